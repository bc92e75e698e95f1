package dev.tralign.stack;

import java.nio.file.Path;

/**
 * Where and how the embedded stack runs. Ports 0 pick free ones.
 *
 * @param dataDir broker data (and so topics, offsets and schemas) survive restarts here
 * @param host interface to bind and advertise
 * @param kafkaPort client port of the broker (9092 by default for the CLI)
 * @param registryPort port of the schema registry (8081 by default for the CLI)
 * @param partitions partitions of each tralign topic created by {@link EmbeddedStack#createTopics}
 */
public record StackOptions(Path dataDir, String host, int kafkaPort, int registryPort, int partitions) {

    /** Default data directory, relative to the working directory. */
    public static final Path DEFAULT_DATA_DIR = Path.of(".tralign", "stack");
    /** Default bind address: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Kafka's usual client port. */
    public static final int DEFAULT_KAFKA_PORT = 9092;
    /** Confluent's usual registry port. */
    public static final int DEFAULT_REGISTRY_PORT = 8081;

    /** Validates the options with messages that name the option. */
    public StackOptions {
        if (dataDir == null) {
            throw new IllegalArgumentException("--data-dir is missing: give a directory for broker data");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--host is empty: give an address such as 127.0.0.1");
        }
        checkPort(kafkaPort, "--kafka-port");
        checkPort(registryPort, "--registry-port");
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions is " + partitions + ": each topic needs at least 1");
        }
    }

    /** The CLI's defaults: ./.tralign/stack, 127.0.0.1, 9092, 8081, 1 partition. */
    public static StackOptions defaults() {
        return new StackOptions(DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_KAFKA_PORT, DEFAULT_REGISTRY_PORT, 1);
    }

    /** Free ports on loopback in the given directory: what tests want. */
    public static StackOptions forTests(Path dataDir) {
        return new StackOptions(dataDir, DEFAULT_HOST, 0, 0, 1);
    }

    /** A copy with another data directory. */
    public StackOptions withDataDir(Path dir) {
        return new StackOptions(dir, host, kafkaPort, registryPort, partitions);
    }

    /** A copy with another broker port. */
    public StackOptions withKafkaPort(int port) {
        return new StackOptions(dataDir, host, port, registryPort, partitions);
    }

    /** A copy with another registry port. */
    public StackOptions withRegistryPort(int port) {
        return new StackOptions(dataDir, host, kafkaPort, port, partitions);
    }

    /** A copy with another host. */
    public StackOptions withHost(String newHost) {
        return new StackOptions(dataDir, newHost, kafkaPort, registryPort, partitions);
    }

    /** A copy with another partition count for tralign topics. */
    public StackOptions withPartitions(int count) {
        return new StackOptions(dataDir, host, kafkaPort, registryPort, count);
    }

    private static void checkPort(int port, String option) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(option + " is " + port + ": use 1-65535, or 0 for any free port");
        }
    }
}
