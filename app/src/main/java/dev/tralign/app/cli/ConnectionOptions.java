package dev.tralign.app.cli;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/**
 * Where a command finds Kafka and the schema registry. The defaults are the addresses {@code tralign stack} listens
 * on, so a command run beside a running stack needs no flags.
 */
final class ConnectionOptions {

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081";

    @Option(names = "--bootstrap", defaultValue = DEFAULT_BOOTSTRAP,
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the embedded stack).")
    String bootstrap;

    @Option(names = "--registry", defaultValue = DEFAULT_REGISTRY,
            description = "Schema registry URL (default: ${DEFAULT-VALUE}, the embedded stack).")
    String registry;

    /** Fails with advice when no broker answers, instead of letting a client retry for minutes. */
    void requireReachable() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            admin.describeCluster().clusterId().get(6, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no Kafka broker answers at " + bootstrap + ": start one with "
                    + "'./tralign stack' in another terminal, or pass --bootstrap host:port");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + bootstrap, e);
        }
    }

    Map<String, String> asRunSettings() {
        return Map.of("bootstrap.servers", bootstrap, "schema.registry.url", registry);
    }
}
