package dev.tralign.stack;

import dev.tralign.registry.SchemaRegistryServer;
import dev.tralign.schemas.TopicSpec;
import dev.tralign.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a single-node KRaft broker and tralign's schema registry in this process. What
 * {@code tralign stack} runs and what integration tests start (through {@link EmbeddedStackExtension}).
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

    private final StackOptions options;
    private final EmbeddedKafka kafka;
    private final SchemaRegistryServer registry;
    private final Duration startTime;

    private EmbeddedStack(StackOptions options, EmbeddedKafka kafka, SchemaRegistryServer registry,
            Duration startTime) {
        this.options = options;
        this.kafka = kafka;
        this.registry = registry;
        this.startTime = startTime;
    }

    /**
     * Starts the broker, then the registry, and returns once both answer.
     *
     * @throws Ports.PortInUseException naming {@code --kafka-port} or {@code --registry-port} when a port is taken
     */
    public static EmbeddedStack start(StackOptions options) {
        long started = System.nanoTime();
        // Check the registry port first: failing after a 5 s broker start would waste the user's time.
        if (options.registryPort() != 0) {
            Ports.reserve(options.host(), options.registryPort(), "--registry-port");
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(options.dataDir(), options.host(), options.kafkaPort());
        SchemaRegistryServer registry;
        try {
            kafka.createTopic(SchemaRegistryServer.DEFAULT_TOPIC, 1, Map.of("cleanup.policy", "compact"));
            registry = SchemaRegistryServer.start(kafka.bootstrapServers(), options.host(), options.registryPort());
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        Duration startTime = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("tralign stack ready in {} ms: bootstrap.servers={} schema.registry.url={}", startTime.toMillis(),
                kafka.bootstrapServers(), registry.url());
        return new EmbeddedStack(options, kafka, registry, startTime);
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** {@code http://host:port} for {@code schema.registry.url}. */
    public String registryUrl() {
        return registry.url();
    }

    /** Where broker data lives. */
    public Path dataDir() {
        return options.dataDir();
    }

    /** The options it was started with. */
    public StackOptions options() {
        return options;
    }

    /** Time from {@link #start} until broker and registry both answered. */
    public Duration startTime() {
        return startTime;
    }

    /** The broker, for creating topics and admin calls. */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** Topics with the default prefix over this stack's registry; close them when done. */
    public Topics topics() {
        return Topics.create(registryUrl());
    }

    /**
     * Creates every topic of {@code topics} with {@link StackOptions#partitions()} partitions and its configs
     * ({@link Topics#specs()}, as {@code tralign topics create} does on a cluster), waiting for leaders.
     */
    public void createTopics(Topics topics) {
        createTopics(topics, options.partitions());
    }

    /** Creates every topic of {@code topics} with the given partition count and its configs, waiting for leaders. */
    public void createTopics(Topics topics, int partitions) {
        for (TopicSpec topic : topics.specs()) {
            kafka.createTopic(topic.name(), partitions, topic.configs());
        }
    }

    /** Creates one topic (idempotent), waiting for leaders. */
    public void createTopic(String name, int partitions) {
        kafka.createTopic(name, partitions, Map.of());
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
