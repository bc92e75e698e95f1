package dev.tralign.app.cli;

import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.StackOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the embedded default: a single-node KRaft broker and the schema registry in this JVM, until Ctrl-C. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Run the embedded Kafka broker (KRaft) and schema registry until Ctrl-C.")
final class StackCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = ".tralign/stack",
            description = "Where topics and schemas are kept across restarts (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081",
            description = "Schema registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults()
                .withDataDir(dataDir).withKafkaPort(kafkaPort).withRegistryPort(registryPort).withHost(host));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("tralign stack: shutting down...");
            stack.close();
            stopped.countDown();
        }, "tralign-stack-shutdown"));
        try (var topics = stack.topics()) {
            stack.createTopics(topics);
        }
        System.out.printf("tralign stack ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
        System.out.println("  bootstrap servers: " + stack.bootstrapServers());
        System.out.println("  schema registry:   " + stack.registryUrl());
        System.out.println("  data directory:    " + stack.dataDir().toAbsolutePath());
        System.out.println("Press Ctrl-C to stop.");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
