package dev.tralign.app.cli;

import dev.tralign.schemas.TopicSpec;
import dev.tralign.schemas.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The tralign topics on a cluster whose brokers do not create topics themselves. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create tralign's topics on a Kafka cluster (topic auto-creation off).",
        subcommands = TopicsCommand.Create.class)
final class TopicsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Creates every missing topic of {@link Topics#specs()} with its configs, and reports the others. Run once per
     * deployment before the services (compose: the topics-init service); running it again is harmless.
     */
    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Create every tralign topic that is missing, with its configs; report the others.",
                "",
                "Configs: the input topics (preferences, preferences.online, feedback), checkpoints and "
                        + "trainer-ledger are kept forever (retention.ms=-1: replay and resume read them back to a "
                        + "run's first step); guard-verdicts is compacted (cleanup.policy=compact); the rest take the "
                        + "broker's defaults. Existing topics are never changed: fewer partitions than asked, or "
                        + "another value of one of those configs, is a warning in the table.",
                "Not created here: each evaluator group's task topic (its first evaluator creates it with "
                        + "task_partitions partitions).",
                "Exit status: 0 when every topic exists afterwards (warnings included), 1 when one could not be "
                        + "created (the table names the broker's reason).",
                ""})
    static final class Create implements Callable<Integer> {

        private static final long TIMEOUT_SECONDS = 60;

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = Topics.DEFAULT_PREFIX,
                description = "Prefix of every topic name (default: ${DEFAULT-VALUE}).")
        String prefix;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
                description = "Partitions of each topic created (default: ${DEFAULT-VALUE}; keep it fixed for the "
                        + "life of the runs: a run's batches depend on its input partitions).")
        int partitions;

        @Option(names = "--replication-factor", paramLabel = "R",
                description = "Replicas of each topic created (default: the broker's default.replication.factor; "
                        + "3 on a production cluster, with min.insync.replicas=2).")
        Short replicationFactor;

        @Option(names = "--dry-run", description = "Only print what would be created; change nothing.")
        boolean dryRun;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (partitions < 1) {
                throw new ParameterException(spec.commandLine(), "--partitions must be at least 1, got "
                        + partitions);
            }
            if (replicationFactor != null && replicationFactor < 1) {
                throw new ParameterException(spec.commandLine(), "--replication-factor must be at least 1, got "
                        + replicationFactor);
            }
            List<TopicSpec> specs;
            try (Topics topics = Topics.create(prefix, connection.serdeSettings())) {
                specs = topics.specs(); // names and configs only: no schema is registered, the registry is not called
            }
            connection.requireReachable();
            try (Admin admin = Admin.create(connection.kafkaSettings())) {
                TopicPlan plan = TopicPlan.of(specs, partitions, existing(admin, specs));
                Map<String, String> failures = dryRun ? Map.of() : create(admin, plan.toCreate());
                PrintWriter out = spec.commandLine().getOut();
                out.print(plan.table(dryRun, failures));
                out.flush();
                return failures.isEmpty() ? 0 : 1;
            }
        }

        /** The tralign topics the cluster holds, with their partition counts and the configs their specs name. */
        private static Map<String, TopicPlan.Existing> existing(Admin admin, List<TopicSpec> specs)
                throws ExecutionException, InterruptedException, TimeoutException {
            Set<String> names = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicSpec> present = specs.stream().filter(s -> names.contains(s.name())).toList();
            if (present.isEmpty()) {
                return Map.of();
            }
            Map<String, TopicDescription> descriptions = admin.describeTopics(
                    present.stream().map(TopicSpec::name).toList()).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<ConfigResource, Config> configs = admin.describeConfigs(present.stream()
                    .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList()).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<String, TopicPlan.Existing> out = new HashMap<>();
            for (TopicSpec spec : present) {
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
                Map<String, String> values = new LinkedHashMap<>();
                for (String key : spec.configs().keySet()) {
                    var entry = config == null ? null : config.get(key);
                    values.put(key, entry == null ? null : entry.value());
                }
                out.put(spec.name(), new TopicPlan.Existing(descriptions.get(spec.name()).partitions().size(),
                        values));
            }
            return out;
        }

        /**
         * Creates the topics in one request; returns the reason for each that failed. One created meanwhile by
         * someone else (a service starting) counts as created.
         */
        private Map<String, String> create(Admin admin, List<TopicSpec> specs) throws InterruptedException {
            List<NewTopic> requests = new ArrayList<>();
            for (TopicSpec topic : specs) {
                requests.add(new NewTopic(topic.name(), Optional.of(partitions), Optional.ofNullable(replicationFactor))
                        .configs(topic.configs()));
            }
            Map<String, String> failures = new LinkedHashMap<>();
            if (requests.isEmpty()) {
                return failures;
            }
            Map<String, KafkaFuture<Void>> results = admin.createTopics(requests).values();
            for (TopicSpec topic : specs) {
                try {
                    results.get(topic.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        failures.put(topic.name(), e.getCause().getClass().getSimpleName() + ": "
                                + e.getCause().getMessage());
                    }
                } catch (TimeoutException e) {
                    failures.put(topic.name(), "no answer from the controller after " + TIMEOUT_SECONDS + " s");
                }
            }
            return failures;
        }
    }
}
