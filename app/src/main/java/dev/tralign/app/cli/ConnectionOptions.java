package dev.tralign.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where a command finds Kafka and the schema registry, and how it authenticates to them. The defaults are the
 * addresses {@code tralign stack} listens on, so a command run beside a running stack needs no flags. Client
 * settings such as {@code security.protocol=SASL_SSL} reach every producer, consumer, admin and Streams client
 * ({@code --kafka-property}) and the registry client ({@code --registry-property}); each may also come from the
 * environment ({@link EnvironmentDefaults}). {@link #toString()} hides secrets.
 */
final class ConnectionOptions {

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081";
    static final String KAFKA_PROPERTY = "--kafka-property";
    static final String REGISTRY_PROPERTY = "--registry-property";

    @Option(names = "--bootstrap", defaultValue = DEFAULT_BOOTSTRAP,
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the embedded stack; env TRALIGN_BOOTSTRAP).")
    String bootstrap;

    @Option(names = "--registry", defaultValue = DEFAULT_REGISTRY,
            description = "Schema registry URL (default: ${DEFAULT-VALUE}, the embedded stack; env TRALIGN_REGISTRY).")
    String registry;

    @Option(names = KAFKA_PROPERTY, paramLabel = "KEY=VALUE",
            description = "Kafka client setting for every producer, consumer, admin and Streams client, e.g. "
                    + "security.protocol=SASL_SSL (repeatable; env TRALIGN_KAFKA_<KEY>, e.g. "
                    + "TRALIGN_KAFKA_SASL_JAAS_CONFIG_FILE=/run/secrets/jaas).")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = REGISTRY_PROPERTY, paramLabel = "KEY=VALUE",
            description = "Schema-registry client setting, e.g. basic.auth.user.info=user:password (repeatable; env "
                    + "TRALIGN_REGISTRY_<KEY>).")
    Map<String, String> registryProperties = new LinkedHashMap<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Fails with advice when no broker answers, instead of letting a client retry for minutes. */
    void requireReachable() {
        Map<String, Object> settings = new LinkedHashMap<>(kafkaSettings());
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(settings)) {
            admin.describeCluster().clusterId().get(6, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no Kafka broker answers at " + bootstrap + ": start one with "
                    + "'./tralign stack' in another terminal, or pass --bootstrap host:port"
                    + (kafkaProperties().isEmpty() ? "" : " (and check the --kafka-property security settings)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + bootstrap, e);
        }
    }

    /** Kafka client settings from the environment and the command line (which wins), without bootstrap.servers. */
    Map<String, String> kafkaProperties() {
        return merged(KAFKA_PROPERTY, kafkaProperties);
    }

    /** Registry client settings from the environment and the command line, without schema.registry.url. */
    Map<String, String> registryProperties() {
        return merged(REGISTRY_PROPERTY, registryProperties);
    }

    /** Settings for any Kafka client: bootstrap.servers plus every Kafka property. */
    Map<String, Object> kafkaSettings() {
        Map<String, Object> out = new LinkedHashMap<>(kafkaProperties());
        out.put("bootstrap.servers", bootstrap);
        return out;
    }

    /** Settings for the Avro serdes and registry client: schema.registry.url plus every registry property. */
    Map<String, Object> serdeSettings() {
        Map<String, Object> out = new LinkedHashMap<>(registryProperties());
        out.put("schema.registry.url", registry);
        return out;
    }

    /** The same, as trainer run-config keys: bootstrap.servers, schema.registry.url, kafka.*, registry.*. */
    Map<String, String> asRunSettings() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("bootstrap.servers", bootstrap);
        out.put("schema.registry.url", registry);
        kafkaProperties().forEach((k, v) -> out.put("kafka." + k, v));
        registryProperties().forEach((k, v) -> out.put("registry." + k, v));
        return out;
    }

    /** True when --bootstrap was given on the command line or in the environment (not the built-in default). */
    boolean bootstrapGiven() {
        return given("--bootstrap");
    }

    /** True when --registry was given on the command line or in the environment. */
    boolean registryGiven() {
        return given("--registry");
    }

    private boolean given(String option) {
        if (command == null) {
            return false;
        }
        boolean onCommandLine = command.commandLine() != null && command.commandLine().getParseResult() != null
                && command.commandLine().getParseResult().hasMatchedOption(option);
        return onCommandLine || EnvironmentDefaults.of(command).defaultValue(command.findOption(option)) != null;
    }

    private Map<String, String> merged(String option, Map<String, String> fromCommandLine) {
        Map<String, String> out = new TreeMap<>(EnvironmentDefaults.of(command).keyed(option));
        out.putAll(fromCommandLine);
        return out;
    }

    /** For logs: addresses and settings with every secret shown as [hidden]. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("bootstrap=").append(bootstrap)
                .append(" registry=").append(SecretValues.maskUrl(registry));
        kafkaProperties().forEach((k, v) -> sb.append(" kafka.").append(k).append('=').append(SecretValues.mask(k, v)));
        registryProperties().forEach((k, v) -> sb.append(" registry.").append(k).append('=')
                .append(SecretValues.mask(k, v)));
        return sb.toString();
    }
}
