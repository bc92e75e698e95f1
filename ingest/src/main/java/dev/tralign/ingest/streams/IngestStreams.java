package dev.tralign.ingest.streams;

import dev.tralign.ingest.kafka.IngestTopicAdmin;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.serde.SerdeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * Runs the normaliser (tralign.raw -> typed topics / DLQ) and the pairing topology in one exactly-once Kafka
 * Streams application. A record that cannot be deserialized or processed is dead-lettered ({@link DeadLetterHandler}).
 */
public final class IngestStreams implements AutoCloseable {

    /** Settings of {@code tralign ingest normalise}. */
    public record Options(String applicationId, Format format, IngestLimits limits, Duration pairWindow,
                          Path stateDir, boolean pairing) {

        /** Validates with messages naming the option. */
        public Options {
            if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("--application-id '" + applicationId + "' may only hold letters, "
                        + "digits, '.', '_' and '-'");
            }
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(limits, "limits");
            if (pairWindow == null || pairWindow.isNegative() || pairWindow.isZero()) {
                throw new IllegalArgumentException("--pair-window must be a positive duration such as PT1H");
            }
            Objects.requireNonNull(stateDir, "--state-dir is required");
        }

        /** Defaults: application id tralign-ingest, auto format, 1 hour pairing window, pairing on. */
        public static Options defaults(Path stateDir) {
            return new Options("tralign-ingest", Format.AUTO, IngestLimits.DEFAULTS, Duration.ofHours(1), stateDir, true);
        }
    }

    private final KafkaStreams streams;
    private final Topics ownedTopics;
    private final CompletableFuture<String> stopped = new CompletableFuture<>();
    private volatile boolean closing;

    private IngestStreams(KafkaStreams streams, Topics ownedTopics) {
        this.streams = streams;
        this.ownedTopics = ownedTopics;
    }

    /** The combined topology (pure: no I/O). */
    public static Topology topology(Topics topics, Options options, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        IngestTopologies.normaliser(builder, topics, new FeedbackParser(options.format(), options.limits(), clock),
                clock);
        if (options.pairing()) {
            IngestTopologies.pairing(builder, topics, options.pairWindow());
        }
        return builder.build();
    }

    /** Entry point for {@code tralign ingest normalise}. */
    public static IngestStreams start(String bootstrapServers, String registryUrl, Options options) {
        return start(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), options);
    }

    /**
     * Entry point with full client settings: {@code kafka} (bootstrap.servers plus e.g. security.protocol) goes to
     * every Streams client, {@code serde} (schema.registry.url plus e.g. basic.auth.user.info) to the registry client.
     */
    public static IngestStreams start(Map<String, Object> kafka, Map<String, ?> serde, Options options) {
        Topics topics = Topics.create(Topics.DEFAULT_PREFIX, serde);
        return start(kafka, topics, options, topics);
    }

    /** Starts over given topics (not closed by this object). */
    public static IngestStreams start(String bootstrapServers, Topics topics, Options options) {
        return start(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics, options, null);
    }

    private static IngestStreams start(Map<String, Object> kafka, Topics topics, Options options, Topics owned) {
        IngestTopicAdmin.ensureTopics(kafka, List.of(topics.specOf(topics.raw()), topics.specOf(topics.preferences()),
                topics.specOf(topics.feedback()), topics.specOf(topics.dlq())), null, 1);
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir().toString());
        // -1: the broker's default.replication.factor, so changelogs are replicated as much as the cluster allows.
        props.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        // A record Streams cannot deserialize or process goes to the DLQ and the offset moves on.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        // No global stores here; set as Kafka recommends so the handler covers them too (the default from 5.0 on).
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(DeadLetterHandler.DLQ_TOPIC_CONFIG, topics.dlq());
        KafkaStreams streams = new KafkaStreams(topology(topics, options, Clock.systemUTC()), props);
        IngestStreams app = new IngestStreams(streams, owned);
        // Anything else (lost broker for longer than the clients retry, a fenced producer, a bug in Streams) is
        // fatal: the client shuts down and stopped() completes, so the process can exit and be restarted.
        streams.setUncaughtExceptionHandler(e -> {
            app.stopped.complete("Kafka Streams failed (" + String.valueOf(e.getMessage()).lines().findFirst()
                    .orElse("no message") + ")");
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_SHUTDOWN && !app.closing) {
                app.stopped.complete("Kafka Streams stopped (state " + now + ")");
            }
        });
        streams.start();
        return app;
    }

    /**
     * Completes with the reason when the application stops by itself (a fatal error; never for a bad record). A
     * process should then exit non-zero so its supervisor restarts it; {@code tralign ingest normalise} does.
     */
    public CompletableFuture<String> stopped() {
        return stopped;
    }

    /**
     * Exposes Kafka Streams' own meters (records consumed and produced per thread and task, process rates, commit
     * latency, ...) in {@code registry}, for /metrics.
     */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(streams).bindTo(registry);
    }

    /** True while the application can process (running or rebalancing), for /healthz. */
    public boolean healthy() {
        return streams.state().isRunningOrRebalancing();
    }

    /** The Streams state (RUNNING once partitions are assigned). */
    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        closing = true;
        streams.close(Duration.ofSeconds(30));
        if (ownedTopics != null) {
            ownedTopics.close();
        }
    }
}
