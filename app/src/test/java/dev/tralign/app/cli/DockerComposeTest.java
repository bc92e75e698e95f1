package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.config.RunConfigDef;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The compose files against the code: every variable a tralign service sets is one its command reads, the
 * trainer's run config with its variables validates, and the Kafka and Schema Registry containers get the
 * variables their images document. Runs without Docker.
 */
class DockerComposeTest {

    private static final Path DOCKER = Path.of("").toAbsolutePath().getParent().resolve("docker");
    private static final List<String> KAFKA_REQUIRED = List.of("KAFKA_NODE_ID", "KAFKA_PROCESS_ROLES",
            "KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS",
            "KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CLUSTER_ID");
    private static final List<String> REGISTRY_REQUIRED = List.of("SCHEMA_REGISTRY_HOST_NAME",
            "SCHEMA_REGISTRY_LISTENERS", "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS");

    @Test
    void everyTralignVariableIsAConfigKeyOfItsServicesCommand() throws IOException {
        for (Map<String, Map<String, Object>> services : List.of(services("compose.yaml"),
                merged(services("compose.yaml"), services("compose.single.yaml")))) {
            List<String> checked = new ArrayList<>();
            services.forEach((name, service) -> {
                if (!String.valueOf(service.get("image")).startsWith("tralign")) {
                    return;
                }
                CommandSpec command = commandOf(name, service);
                Map<String, String> env = environment(service);
                assertThat(env).as(name + " sets TRALIGN_BOOTSTRAP").containsKey("TRALIGN_BOOTSTRAP");
                new EnvironmentDefaults(env).check(command);
                env.keySet().stream().filter(k -> k.startsWith("TRALIGN_RUN_")).forEach(k -> {
                    String key = runKey(k);
                    if (!key.startsWith(RunConfigDef.CHECKPOINT_S3_PREFIX)) {
                        assertThat(RunConfigDef.keys()).as(name + ": " + k).containsKey(key);
                    }
                });
                checked.add(name);
            });
            assertThat(checked).contains("ingest-http", "ingest-normalise", "trainer", "trainer-cpu", "evaluator");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void topicsInitCreatesTheTopicsBeforeEveryOtherTralignServiceStarts() throws IOException {
        for (Map<String, Map<String, Object>> services : List.of(services("compose.yaml"),
                merged(services("compose.yaml"), services("compose.single.yaml")))) {
            Map<String, Object> init = services.get("topics-init");
            assertThat(stringList(init.get("command"))).containsExactly("topics", "create");
            assertThat(init.get("restart")).isEqualTo("no");
            assertThat(((Map<String, Object>) init.get("depends_on"))).containsOnlyKeys("schema-registry");
            List<String> waiting = new ArrayList<>();
            services.forEach((name, service) -> {
                if (String.valueOf(service.get("image")).startsWith("tralign") && !name.equals("topics-init")) {
                    Map<String, Object> dependsOn = (Map<String, Object>) service.get("depends_on");
                    assertThat(String.valueOf(dependsOn.get("topics-init"))).as(name)
                            .contains("service_completed_successfully");
                    waiting.add(name);
                }
            });
            assertThat(waiting).contains("ingest-http", "ingest-normalise", "trainer", "trainer-cpu", "judge",
                    "judge-worker", "evaluator");
        }
        // One broker holds one replica; three brokers hold three.
        assertThat(environment(services("compose.yaml").get("topics-init")))
                .containsEntry("TRALIGN_REPLICATION_FACTOR", "3");
        assertThat(environment(merged(services("compose.yaml"), services("compose.single.yaml")).get("topics-init")))
                .containsEntry("TRALIGN_REPLICATION_FACTOR", "1").containsEntry("TRALIGN_BOOTSTRAP", "kafka-1:9092");
    }

    @Test
    void theTrainersRunConfigIsValidWithTheComposeVariables() throws IOException {
        Map<String, Object> trainer = services("compose.yaml").get("trainer-cpu");
        List<String> command = stringList(trainer.get("command"));
        assertThat(command).containsSubsequence("--config", "/etc/tralign/run.properties");
        Map<String, String> settings = new LinkedHashMap<>();
        environment(trainer).forEach((k, v) -> {
            if (k.startsWith("TRALIGN_RUN_")) {
                // A _FILE variable names a Docker secret, absent here: any value stands in for its content.
                settings.put(runKey(k), k.endsWith("_FILE") ? "from-secret-file" : v);
            }
        });
        RunConfig run = RunConfig.load(DOCKER.resolve("config/run.properties"), settings);
        assertThat(run.checkpointDir().toString()).isEqualTo("/var/lib/tralign/checkpoints/tr-dpo-streaming");
        assertThat(run.streaming()).isTrue();
        assertThat(stringList(trainer.get("volumes"))).anyMatch(v -> v.startsWith("checkpoints:/var/lib/tralign"));
        // Trainer and judge meet in the same bucket through the same endpoint, with the same secrets.
        Map<String, Object> judge = services("compose.yaml").get("judge");
        Map<String, String> judgeEnv = environment(judge);
        assertThat(run.checkpointStore()).hasToString(judgeEnv.get("TRALIGN_CHECKPOINT_STORE"))
                .isInstanceOf(dev.tralign.store.StoreLocation.S3.class);
        assertThat(run.checkpointS3().endpoint()).hasToString(judgeEnv.get("TRALIGN_S3_ENDPOINT"));
        assertThat(run.checkpointS3().pathStyle()).isTrue();
        assertThat(run.checkpointS3().explicitCredentials()).isTrue();
        assertThat(stringList(judge.get("secrets"))).containsAll(stringList(trainer.get("secrets")));
        assertThat(String.valueOf(services("compose.yaml").get("minio-init").get("command")))
                .contains("mc mb --ignore-existing store/" + ((dev.tralign.store.StoreLocation.S3) run.checkpointStore())
                        .bucket());
    }

    /** TRALIGN_RUN_CHECKPOINT_S3_ACCESS__KEY__ID_FILE -> checkpoint.s3.access_key_id. */
    private static String runKey(String variable) {
        String plain = variable.endsWith("_FILE") ? variable.substring(0, variable.length() - "_FILE".length())
                : variable;
        return EnvironmentDefaults.decodeKey(plain.substring("TRALIGN_RUN_".length()));
    }

    @Test
    void kafkaAndRegistryGetTheVariablesTheirImagesDocument() throws IOException {
        for (Map<String, Map<String, Object>> services : List.of(services("compose.yaml"),
                merged(services("compose.yaml"), services("compose.single.yaml")))) {
            Set<String> activeKafka = new TreeSet<>();
            Set<String> voters = new TreeSet<>();
            services.forEach((name, service) -> {
                if (String.valueOf(service.get("image")).startsWith("apache/kafka:") && !service.containsKey("profiles")) {
                    Map<String, String> env = environment(service);
                    assertThat(env).as(name).containsKeys(KAFKA_REQUIRED.toArray(String[]::new));
                    assertThat(env.get("KAFKA_PROCESS_ROLES")).contains("controller");
                    activeKafka.add(env.get("KAFKA_NODE_ID") + "@" + name + ":9093");
                    voters.addAll(List.of(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")));
                }
            });
            // Every voter is a running node and every node votes: a quorum that can form.
            assertThat(voters).isEqualTo(activeKafka);
            Map<String, String> registry = environment(services.get("schema-registry"));
            assertThat(String.valueOf(services.get("schema-registry").get("image")))
                    .startsWith("confluentinc/cp-schema-registry:");
            assertThat(registry).containsKeys(REGISTRY_REQUIRED.toArray(String[]::new));
            for (String server : registry.get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS").split(",")) {
                String host = server.replaceFirst("^PLAINTEXT://", "").replaceFirst(":\\d+$", "");
                assertThat(activeKafka).as("registry bootstrap " + server).anyMatch(v -> v.contains("@" + host + ":"));
            }
        }
    }

    @Test
    void everyLongRunningServiceHasAHealthCheckAndTheGpuTrainerReservesAGpu() throws IOException {
        Map<String, Map<String, Object>> services = services("compose.yaml");
        // ingest-normalise is a Kafka Streams app without an HTTP port: it exits on a fatal error and restarts.
        // One-shot jobs (restart "no", e.g. minio-init creating the bucket) run to completion instead.
        services.forEach((name, service) -> {
            if (!name.equals("ingest-normalise") && !"no".equals(service.get("restart"))) {
                assertThat(service).as(name).containsKey("healthcheck");
            }
        });
        assertThat(services.get("ingest-normalise").get("restart")).isEqualTo("unless-stopped");
        assertThat(String.valueOf(services.get("trainer").get("deploy"))).contains("nvidia").contains("gpu");
        assertThat(services.get("trainer-cpu")).doesNotContainKey("deploy");
        assertThat(String.valueOf(services.get("ingest-http").get("healthcheck"))).contains("/healthz");
        assertThat(String.valueOf(services.get("evaluator").get("healthcheck"))).contains("/healthz");
        assertThat(String.valueOf(services.get("schema-registry").get("healthcheck"))).contains("/subjects");
        assertThat(String.valueOf(services.get("kafka-1").get("healthcheck"))).contains("kafka-broker-api-versions");
        assertThat(String.valueOf(services.get("minio").get("image"))).startsWith("minio/minio:");
        assertThat(String.valueOf(services.get("minio").get("healthcheck"))).contains("ready");
    }

    @Test
    void theDockerfileBuildsWithMavenAndRunsOnAJreAsANonRootUser() throws IOException {
        List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile"));
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0)).contains("maven:").contains("AS build");
        assertThat(froms.get(1)).contains("eclipse-temurin:17-jre");
        List<String> runtime = lines.subList(lines.indexOf(froms.get(1)), lines.size());
        assertThat(runtime).noneMatch(l -> l.contains("mvn ") || l.contains("jdk"));
        assertThat(runtime).anyMatch(l -> l.matches("USER (?!root)\\w+"));
        assertThat(String.join("\n", lines)).contains("mvn -B").contains("-DskipTests install")
                .contains("PYTORCH_LIBRARY_PATH").contains("DJL_CACHE_DIR").contains("-Dai.djl.offline=true");
        assertThat(Files.readString(DOCKER.resolveSibling(".dockerignore"))).contains("target/");
    }

    private static CommandSpec commandOf(String service, Map<String, Object> definition) {
        CommandLine cli = new CommandLine(new TralignCommand());
        for (String word : stringList(definition.get("command"))) {
            if (word.startsWith("-")) {
                break;
            }
            assertThat(cli.getSubcommands()).as(service + ": command word " + word).containsKey(word);
            cli = cli.getSubcommands().get(word);
        }
        return cli.getCommandSpec();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(String file) throws IOException {
        try (Reader reader = Files.newBufferedReader(DOCKER.resolve(file))) {
            Map<String, Object> root = new Yaml().load(reader);
            return (Map<String, Map<String, Object>>) root.get("services");
        }
    }

    /** Compose's override rule for what these files use: maps merge key by key, everything else is replaced. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> merged(Map<String, Map<String, Object>> base,
            Map<String, Map<String, Object>> override) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        base.forEach((name, service) -> out.put(name, new LinkedHashMap<>(service)));
        override.forEach((name, service) -> service.forEach((key, value) -> {
            Map<String, Object> target = out.computeIfAbsent(name, n -> new LinkedHashMap<>());
            if (value instanceof Map<?, ?> map && target.get(key) instanceof Map<?, ?> existing) {
                Map<String, Object> both = new LinkedHashMap<>((Map<String, Object>) existing);
                both.putAll((Map<String, Object>) map);
                target.put(key, both);
            } else {
                target.put(key, value);
            }
        }));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> out = new LinkedHashMap<>();
        ((Map<String, Object>) service.getOrDefault("environment", Map.of()))
                .forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> stringList(Object value) {
        return ((List<Object>) value).stream().map(String::valueOf).toList();
    }
}
