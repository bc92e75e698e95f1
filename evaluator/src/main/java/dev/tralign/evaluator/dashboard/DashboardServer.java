package dev.tralign.evaluator.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tralign.evaluator.report.CheckpointGames;
import dev.tralign.evaluator.report.GuardSection;
import dev.tralign.evaluator.report.ReportWriter;
import dev.tralign.evaluator.report.RunSeries;
import dev.tralign.schemas.avro.WinRate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP API and live dashboard over a {@link WinRateStore} (JDK HttpServer, no framework).
 *
 * <ul>
 *   <li>GET /api/runs: [{runId, checkpoints, latestStep, latestWinRate, latestLengthControlledWinRate,
 *       latestKlToSft}]</li>
 *   <li>GET /api/runs/{runId}/win-rates: the run's WinRate records by step (404 for an unknown run;
 *       the run id is URL-encoded, so '/' in an id is %2F)</li>
 *   <li>GET /api/bradley-terry?run=R&amp;run=S&amp;rounds=100&amp;seed=42: Bradley-Terry scores of the runs'
 *       checkpoints and the SFT baseline with 90% bootstrap intervals ({@link RankingJson}; every run by default)</li>
 *   <li>GET /api/guard: the guard's alerts and each family's champion ({@link AlertStore#json}), empty lists
 *       unless {@link #showingGuard} was called</li>
 *   <li>GET /api/training: every run's training metrics by step under TRL's names ({@link TrainingStore#json})</li>
 *   <li>GET /: the dashboard page, which polls the API every 2 s and draws SVG charts</li>
 *   <li>GET /report: the static HTML report ({@link ReportWriter}) of the current store, with the guard's marks
 *       and tables once {@link #showingGuard} was called</li>
 *   <li>GET /metrics: Prometheus metrics ({@link DashboardMetrics}); GET /healthz: 200 while the feed runs,
 *       503 once it has stopped</li>
 * </ul>
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final String RUNS = "/api/runs";

    private final HttpServer server;
    private final ExecutorService threads;
    private final WinRateStore store;
    private final TrainingStore training;
    private final RankingJson ranking;
    private final byte[] page;
    private final DashboardMetrics metrics;
    private final BooleanSupplier healthy;
    private volatile AlertStore guard = new AlertStore();
    /** Whether {@link #showingGuard} was called: only then does /report have the guard's section and marks. */
    private volatile boolean guardShown;

    private DashboardServer(HttpServer server, ExecutorService threads, WinRateStore store, TrainingStore training,
            CheckpointGames games, BooleanSupplier healthy) {
        this.server = server;
        this.threads = threads;
        this.store = store;
        this.training = training;
        this.ranking = new RankingJson(games);
        this.page = loadPage();
        this.metrics = new DashboardMetrics(store);
        this.healthy = healthy;
    }

    /**
     * Starts serving.
     *
     * @param host interface to bind, e.g. 127.0.0.1
     * @param port port, 0 for any free one
     * @param store what to serve
     */
    public static DashboardServer start(String host, int port, WinRateStore store) throws IOException {
        return start(host, port, store, () -> true);
    }

    /**
     * Starts serving, with /healthz answering 200 only while {@code healthy} holds (e.g. {@code feed::isRunning}).
     */
    public static DashboardServer start(String host, int port, WinRateStore store, BooleanSupplier healthy)
            throws IOException {
        return start(host, port, store, new TrainingStore(), healthy);
    }

    /** The same, with a chart of training metrics from {@code training} (fed from tralign.train-metrics). */
    public static DashboardServer start(String host, int port, WinRateStore store, TrainingStore training,
            BooleanSupplier healthy) throws IOException {
        return start(host, port, store, training, new CheckpointGames(), healthy);
    }

    /**
     * The same, with Bradley-Terry scores of the checkpoints in {@code games} (fed from tralign.judgments) at
     * GET /api/bradley-terry.
     */
    public static DashboardServer start(String host, int port, WinRateStore store, TrainingStore training,
            CheckpointGames games, BooleanSupplier healthy) throws IOException {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(games, "games");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(healthy, "healthy");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("dashboard port must be in 0-65535 (0 = any free port), got " + port);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "dashboard-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        DashboardServer dashboard = new DashboardServer(server, threads, store, training, games, healthy);
        server.createContext("/", dashboard::handle);
        server.start();
        LOG.info("dashboard on http://{}:{}/", host, server.getAddress().getPort());
        return dashboard;
    }

    /**
     * Shows the guard's alerts and champions as chart markers (GET /api/guard) and in the report (GET /report: marks
     * on its charts and the "Guard rails" tables); none until called.
     */
    public DashboardServer showingGuard(AlertStore verdicts) {
        this.guard = Objects.requireNonNull(verdicts, "verdicts");
        this.guardShown = true;
        return this;
    }

    /** The registry /metrics serves, where other components register their meters. */
    public io.micrometer.core.instrument.MeterRegistry meters() {
        return metrics.registry();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().add("Allow", "GET");
                send(exchange, 405, "application/json", "{\"error\":\"only GET is supported\"}");
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals("/") || path.equals("/index.html")) {
                sendBytes(exchange, 200, "text/html; charset=utf-8", page);
            } else if (path.equals("/metrics")) {
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            } else if (path.equals("/healthz")) {
                boolean ok = healthy.getAsBoolean();
                send(exchange, ok ? 200 : 503, "application/json", "{\"status\":\"" + (ok ? "ok" : "down")
                        + "\",\"runs\":" + store.runIds().size() + "}");
            } else if (path.equals("/report")) {
                AlertStore verdicts = guard;
                send(exchange, 200, "text/html; charset=utf-8", ReportWriter.html("tralign win rates",
                        RunSeries.fromWinRates(store.all()), ranking.ranking(), guardShown
                                ? Optional.of(new GuardSection(verdicts.all(), verdicts.promotions()))
                                : Optional.empty()));
            } else if (path.equals("/api/bradley-terry")) {
                RankingJson.Answer answer = ranking.answer(exchange.getRequestURI().getRawQuery());
                send(exchange, answer.status(), "application/json", answer.body());
            } else if (path.equals("/api/guard")) {
                send(exchange, 200, "application/json", guard.json());
            } else if (path.equals("/api/training")) {
                send(exchange, 200, "application/json", training.json());
            } else if (path.equals(RUNS) || path.equals(RUNS + "/")) {
                send(exchange, 200, "application/json", WinRateJson.runs(store));
            } else if (path.startsWith(RUNS + "/") && path.endsWith("/win-rates")) {
                String encoded = path.substring(RUNS.length() + 1, path.length() - "/win-rates".length());
                String runId = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
                Optional<List<WinRate>> series = store.series(runId);
                if (series.isPresent()) {
                    send(exchange, 200, "application/json", WinRateJson.series(series.get()));
                } else {
                    send(exchange, 404, "application/json", "{\"error\":\"unknown run\"}");
                }
            } else {
                send(exchange, 404, "application/json", "{\"error\":\"not found; try /api/runs\"}");
            }
        } catch (RuntimeException e) {
            // A bug in one request must not take the server down; the client gets a 500.
            LOG.warn("dashboard request {} failed", exchange.getRequestURI(), e);
            send(exchange, 500, "application/json", "{\"error\":\"internal error\"}");
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        sendBytes(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void sendBytes(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] loadPage() {
        try (InputStream in = DashboardServer.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html missing from the evaluator jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
