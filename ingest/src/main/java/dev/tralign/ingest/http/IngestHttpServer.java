package dev.tralign.ingest.http;

import com.sun.net.httpserver.HttpServer;
import dev.tralign.ingest.file.FileImporter;
import dev.tralign.ingest.kafka.IngestTopicAdmin;
import dev.tralign.ingest.kafka.OutcomeRecords;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The HTTP endpoint (JDK's built-in server, no framework): POST /v1/preferences and /v1/feedback, GET /healthz,
 * GET /metrics (Prometheus, {@link IngestMetrics}).
 * One idempotent producer shared by all requests; a request is answered once the broker has acknowledged it.
 */
public final class IngestHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final Producer<byte[], byte[]> producer;
    private final Topics ownedTopics;
    private final IngestMetrics metrics;

    private IngestHttpServer(HttpServer server, ExecutorService executor, Producer<byte[], byte[]> producer,
                             Topics ownedTopics, IngestMetrics metrics) {
        this.server = server;
        this.executor = executor;
        this.producer = producer;
        this.ownedTopics = ownedTopics;
        this.metrics = metrics;
    }

    /**
     * Starts serving; creates the ingest topics if they are missing.
     *
     * @param config           endpoint settings
     * @param bootstrapServers Kafka bootstrap servers
     * @param topics           topic names and serdes (not closed by the server)
     */
    public static IngestHttpServer start(HttpIngestConfig config, String bootstrapServers, Topics topics) {
        return start(config, bootstrapServers, topics, null);
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

    private static IngestHttpServer start(HttpIngestConfig config, String bootstrapServers, Topics topics,
                                          Topics owned) {
        return start(config, Map.of("bootstrap.servers", bootstrapServers), topics, owned);
    }

    private static IngestHttpServer start(HttpIngestConfig config, Map<String, Object> kafka, Topics topics,
                                          Topics owned) {
        IngestTopicAdmin.ensureTopics(kafka, List.of(topics.preferences().name(), topics.feedback().name(),
                topics.dlq().name()), null, 1);
        Map<String, Object> producerConfig = new HashMap<>(kafka);
        producerConfig.putAll(FileImporter.producerConfig(String.valueOf(kafka.get("bootstrap.servers"))));
        producerConfig.put("linger.ms", 2);
        Producer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer());
        Clock clock = Clock.systemUTC();
        OutcomeRecords records = new OutcomeRecords(topics, clock);
        InFlightLimit inFlight = new InFlightLimit(config.maxInFlightRecords());
        IngestMetrics metrics = new IngestMetrics();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
        } catch (IOException e) {
            producer.close();
            throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port() + " ("
                    + e.getMessage() + "); pick another --http-port or stop what uses it", e);
        }
        server.createContext("/v1/preferences", new IngestHandler(config, new RequestBodies(
                new FeedbackParser(Format.AUTO, config.limits(), clock), Format.AUTO), records, producer, inFlight, metrics,
                "preferences"));
        server.createContext("/v1/feedback", new IngestHandler(config, new RequestBodies(
                new FeedbackParser(Format.BINARY, config.limits(), clock), Format.BINARY), records, producer, inFlight,
                metrics, "feedback"));
        server.createContext("/healthz", new HealthHandler(inFlight));
        server.createContext("/metrics", new MetricsHandler(metrics.registry()));
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "tralign-ingest-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new IngestHttpServer(server, executor, producer, owned, metrics);
    }

    /** The endpoint's Prometheus metrics (also served on GET /metrics). */
    public IngestMetrics metrics() {
        return metrics;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Base URL, e.g. http://127.0.0.1:8080. */
    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        producer.close();
        if (ownedTopics != null) {
            ownedTopics.close();
        }
    }
}
