package dev.tralign.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * GET /metrics (Prometheus text format) and GET /healthz (200 while {@code healthy} holds, else 503) for a process
 * that has no HTTP server of its own, such as the trainer. JDK HttpServer, one daemon thread.
 */
public final class MetricsHttpServer implements AutoCloseable {

    /** Prometheus text exposition format 0.0.4, what every Prometheus version scrapes. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService thread;

    private MetricsHttpServer(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /**
     * Starts serving.
     *
     * @param host interface to bind (0.0.0.0 in a container)
     * @param port port, 0 for any free one
     * @param registry the meters to expose
     * @param healthy whether /healthz answers 200
     */
    public static MetricsHttpServer start(String host, int port, PrometheusMeterRegistry registry,
            BooleanSupplier healthy) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--metrics-port must be in 0-65535 (0 = any free port), got " + port);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + " for /metrics (" + e.getMessage()
                    + "); pick another --metrics-port or stop what uses it", e);
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tralign-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        // One context for every path: the JDK matches contexts by prefix, and /metricsXYZ is not /metrics.
        server.createContext("/", exchange -> {
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
                case "/healthz" -> {
                    boolean ok = healthy.getAsBoolean();
                    respond(exchange, ok ? 200 : 503, "application/json",
                            ok ? "{\"status\":\"ok\"}" : "{\"status\":\"down\"}");
                }
                default -> respond(exchange, 404, "application/json",
                        "{\"error\":\"no such path: GET /metrics or /healthz\"}");
            }
        });
        server.start();
        return new MetricsHttpServer(server, thread);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
