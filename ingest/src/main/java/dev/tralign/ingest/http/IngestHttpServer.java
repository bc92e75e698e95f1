package dev.tralign.ingest.http;

import dev.tralign.ingest.file.FileImporter;
import dev.tralign.ingest.kafka.IngestTopicAdmin;
import dev.tralign.ingest.kafka.OutcomeRecords;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.serde.SerdeConfig;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP endpoint: POST /v1/preferences and /v1/feedback, GET /healthz (alive), GET /healthz/ready (broker
 * reachable), GET /metrics (Prometheus, {@link IngestMetrics}); any other path is 404.
 *
 * <p>Served by Jetty rather than the JDK's built-in server, because a front door must bound what clients control
 * (issue #19): Jetty reads bodies without blocking a thread (a stalled client holds none), has a per-connection idle
 * timeout (the read timeout, also for idle keep-alive connections and slow headers), and parses HTTP/1.1 strictly,
 * chunked bodies with trailers included. The JDK server reads on blocking worker threads, has only JVM-wide request
 * timeouts (system properties) and answers a bad Content-Length with its own text.
 *
 * <p>One idempotent producer is shared by all requests; a request is answered once the broker has acknowledged it.
 */
public final class IngestHttpServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;
    private final Producer<byte[], byte[]> producer;
    private final BrokerProbe broker;
    private final ScheduledExecutorService deadlines;
    private final Topics ownedTopics;
    private final IngestMetrics metrics;
    private final String host;

    private IngestHttpServer(Server server, ServerConnector connector, Producer<byte[], byte[]> producer,
                             BrokerProbe broker, ScheduledExecutorService deadlines, Topics ownedTopics,
                             IngestMetrics metrics, String host) {
        this.server = server;
        this.connector = connector;
        this.producer = producer;
        this.broker = broker;
        this.deadlines = deadlines;
        this.ownedTopics = ownedTopics;
        this.metrics = metrics;
        this.host = host;
    }

    /**
     * Starts serving; creates the ingest topics if they are missing.
     *
     * @param config           endpoint settings
     * @param bootstrapServers Kafka bootstrap servers
     * @param topics           topic names and serdes (not closed by the server)
     */
    public static IngestHttpServer start(HttpIngestConfig config, String bootstrapServers, Topics topics) {
        return start(config, Map.of("bootstrap.servers", bootstrapServers), topics, null);
    }

    /** The entry point for {@code tralign ingest serve}: builds the topics from the registry URL. */
    public static IngestHttpServer start(HttpIngestConfig config, String bootstrapServers, String registryUrl) {
        return start(config, Map.of("bootstrap.servers", bootstrapServers),
                Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
    }

    /**
     * The same with full client settings: {@code kafka} (bootstrap.servers plus e.g. security.protocol) for the
     * producer and admin client, {@code serde} (schema.registry.url plus e.g. basic.auth.user.info) for the registry.
     */
    public static IngestHttpServer start(HttpIngestConfig config, Map<String, Object> kafka, Map<String, ?> serde) {
        Topics topics = Topics.create(Topics.DEFAULT_PREFIX, serde);
        return start(config, kafka, topics, topics);
    }

    private static IngestHttpServer start(HttpIngestConfig config, Map<String, Object> kafka, Topics topics,
                                          Topics owned) {
        IngestTopicAdmin.ensureTopics(kafka, List.of(topics.specOf(topics.preferences()),
                topics.specOf(topics.feedback()), topics.specOf(topics.dlq())), null, 1);
        Map<String, Object> producerConfig = new HashMap<>(kafka);
        producerConfig.putAll(FileImporter.producerConfig(String.valueOf(kafka.get("bootstrap.servers"))));
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        // send() must not park a server thread for a minute when the broker is gone: the probe answers 503 first.
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        Producer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer());
        BrokerProbe broker = new BrokerProbe(kafka, Duration.ofSeconds(2));
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "tralign-ingest-http-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        // Nearly every deadline is cancelled when its request is answered: drop it then, not 30 s later.
        deadlines.setRemoveOnCancelPolicy(true);
        Clock clock = Clock.systemUTC();
        OutcomeRecords records = new OutcomeRecords(topics, clock);
        InFlightLimit inFlight = new InFlightLimit(config.maxInFlightRecords());
        ByteBudget bodyBudget = new ByteBudget(config.maxBufferedBytes());
        IngestMetrics metrics = new IngestMetrics();
        IngestHandler preferences = new IngestHandler(config, new RequestBodies(new FeedbackParser(Format.AUTO,
                config.limits(), clock), Format.AUTO, config.maxRecords()), records, producer, inFlight, bodyBudget,
                broker, metrics, deadlines, "preferences");
        IngestHandler feedback = new IngestHandler(config, new RequestBodies(new FeedbackParser(Format.BINARY,
                config.limits(), clock), Format.BINARY, config.maxRecords()), records, producer, inFlight, bodyBudget,
                broker, metrics, deadlines, "feedback");
        HealthHandler health = new HealthHandler(inFlight, bodyBudget, broker);
        MetricsHandler metricsHandler = new MetricsHandler(metrics.registry());

        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("tralign-ingest-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(16 * 1024);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.readTimeout().toMillis());
        server.addConnector(connector);
        // Bounds open sockets (file descriptors): past the limit Jetty stops accepting until a connection closes.
        server.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                // Exact paths: a prefix match would send /v1/preferencesXYZ to the handler.
                return switch (request.getHttpURI().getPath()) {
                    case "/v1/preferences" -> preferences.handle(request, response, callback);
                    case "/v1/feedback" -> feedback.handle(request, response, callback);
                    case "/healthz" -> health.alive(request, response, callback);
                    case "/healthz/ready" -> health.ready(request, response, callback);
                    case "/metrics" -> metricsHandler.handle(request, response, callback);
                    default -> notFound(request, response, callback);
                };
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            broker.close();
            deadlines.shutdownNow();
            producer.close();
            String reason = e.getCause() != null && e.getMessage() == null ? e.getCause().getMessage() : e.getMessage();
            throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port() + " (" + reason
                    + "); pick another --port or stop what uses it", new java.io.IOException(reason, e));
        }
        return new IngestHttpServer(server, connector, producer, broker, deadlines, owned, metrics, config.host());
    }

    private static boolean notFound(Request request, Response response, Callback callback) {
        Responses.json(response, callback, 404, Responses.error(null, "no such path: "
                + request.getHttpURI().getPath() + "; use POST /v1/preferences, POST /v1/feedback, GET /healthz, "
                + "GET /healthz/ready or GET /metrics"), true);
        return true;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // already failing to start; the caller reports that
        }
    }

    /** The endpoint's Prometheus metrics (also served on GET /metrics). */
    public IngestMetrics metrics() {
        return metrics;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Base URL, e.g. http://127.0.0.1:8080. */
    public String url() {
        return "http://" + host + ":" + port();
    }

    @Override
    public void close() {
        stopQuietly(server);
        deadlines.shutdownNow();
        broker.close();
        producer.close();
        if (ownedTopics != null) {
            ownedTopics.close();
        }
    }
}
