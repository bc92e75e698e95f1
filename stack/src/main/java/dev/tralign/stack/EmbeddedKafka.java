package dev.tralign.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft broker and controller in one process) for the embedded stack and for tests.
 * The data directory survives restarts: it is formatted only the first time, so topics and offsets persist.
 * Replication factors and min ISR of the internal topics are 1, so consumer groups and transactions work.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_PAUSE = Duration.ofMillis(20);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final Admin admin;
    private final Duration startTime;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path dataDir, Duration startTime) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.startTime = startTime;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /** Starts on 127.0.0.1; {@code port} 0 picks a free port. */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return start(dataDir, "127.0.0.1", port);
    }

    /**
     * Formats {@code dataDir} if needed, starts the broker and waits until it answers.
     *
     * @throws Ports.PortInUseException when {@code port} is taken
     */
    public static EmbeddedKafka start(Path dataDir, String host, int port) {
        long started = System.nanoTime();
        int clientPort = Ports.reserve(host, port, "--kafka-port");
        int controllerPort = Ports.reserve(host, 0, "--kafka-port");
        Path logDir = dataDir.toAbsolutePath().resolve("kafka");
        Properties props = brokerProperties(logDir, host, clientPort, controllerPort);
        try {
            Files.createDirectories(logDir);
            formatIfNeeded(dataDir.toAbsolutePath(), logDir, props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Kafka data directory " + logDir
                    + " (check it is writable, or pass another --data-dir): " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, host + ":" + clientPort, dataDir,
                Duration.ofNanos(System.nanoTime() - started));
        try {
            kafka.awaitReady();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("Kafka ready at {} (data in {}) after {} ms", kafka.bootstrapServers, logDir,
                kafka.startTime().toMillis());
        return kafka;
    }

    static Properties brokerProperties(Path logDir, String host, int clientPort, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + host + ":" + clientPort + ",CONTROLLER://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + clientPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        // One broker: every internal topic must accept replication factor 1, or groups and transactions hang.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", "1");
        // Tests and the demo start consumers right away; the default 3 s join delay only slows them.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        props.put("log.cleaner.threads", "1");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("num.recovery.threads.per.data.dir", "1");
        return props;
    }

    private static void formatIfNeeded(Path dataDir, Path logDir, Properties props) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path config = dataDir.resolve("kafka-format.properties");
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "written by tralign to format the embedded broker's storage");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code = StorageTool.execute(new String[] {"format", "--config", config.toString(), "--cluster-id",
            Uuid.randomUuid().toString(), "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed (exit " + code + "): "
                    + output.toString(StandardCharsets.UTF_8) + " (delete the directory to start afresh)");
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
                LockSupport.parkNanos(POLL_PAUSE.toNanos());
            } catch (ExecutionException | TimeoutException e) {
                last = new IllegalStateException("broker at " + bootstrapServers + " not ready: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the broker", e);
            }
        }
        throw new IllegalStateException("Kafka at " + bootstrapServers + " did not become ready within "
                + READY_TIMEOUT.toSeconds() + " s", last);
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory given at start. */
    public Path dataDir() {
        return dataDir;
    }

    /** Time from {@link #start} to a broker that answers. */
    public Duration startTime() {
        return startTime;
    }

    /** An admin client for this broker, owned by this object (do not close it). */
    public Admin admin() {
        return admin;
    }

    /** Creates a topic with no extra config; see {@link #createTopic(String, int, Map)}. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic (a no-op if it exists) and waits until every partition has a leader: producing before that
     * can lose records (KAFKA-15591).
     */
    public void createTopic(String name, int partitions, Map<String, String> config) {
        try {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(config)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic '" + name + "': " + e.getCause(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic '" + name + "' timed out after 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic '" + name + "'", e);
        }
        awaitLeaders(name);
    }

    private void awaitLeaders(String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames()
                        .get(5, TimeUnit.SECONDS).get(name);
                if (description != null && description.partitions().stream()
                        .allMatch(p -> p.leader() != null && p.leader().id() >= 0)) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // metadata not propagated yet (UnknownTopicOrPartition): ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for leaders of '" + name + "'", e);
            }
            LockSupport.parkNanos(POLL_PAUSE.toNanos());
        }
        throw new IllegalStateException("topic '" + name + "' has partitions without a leader after 30 s");
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        server.shutdown();
        server.awaitShutdown();
    }
}
