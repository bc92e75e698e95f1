package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.TopicSpec;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code tralign topics create} against a real broker, each test under its own prefix so it starts from a cluster
 * without its topics: every topic created with the asked partitions and its configs, a second run changes nothing,
 * an existing topic with fewer partitions is reported and left alone, a broker refusal fails the command.
 */
@ExtendWith(EmbeddedStackExtension.class)
class TopicsCommandIT {

    private final EmbeddedStack stack;

    TopicsCommandIT(EmbeddedStack stack) {
        this.stack = stack;
    }

    private static List<TopicSpec> specs(String prefix) {
        try (Topics topics = Topics.create(prefix, new InMemorySchemaRegistryClient(), Map.of())) {
            return topics.specs();
        }
    }

    private Map<String, Integer> partitions(List<TopicSpec> specs) throws Exception {
        Admin admin = stack.kafka().admin();
        Map<String, TopicDescription> d = admin.describeTopics(specs.stream().map(TopicSpec::name).toList())
                .allTopicNames().get();
        return d.values().stream().collect(Collectors.toMap(TopicDescription::name, t -> t.partitions().size()));
    }

    private int create(CliRun cli, String prefix, String... more) {
        cli.clear();
        String[] args = new String[] {"topics", "create", "--bootstrap", stack.bootstrapServers(), "--prefix", prefix};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return cli.run(all);
    }

    @Test
    void createsEveryTopicWithItsConfigsOnceAndThenChangesNothing() throws Exception {
        List<TopicSpec> specs = specs("topics-it-a.");
        CliRun cli = new CliRun();

        assertThat(create(cli, "topics-it-a.", "--partitions", "3", "--dry-run")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("would create 16, existed 0");
        Set<String> names = stack.kafka().admin().listTopics().names().get();
        assertThat(names).noneMatch(n -> n.startsWith("topics-it-a."));

        assertThat(create(cli, "topics-it-a.", "--partitions", "3")).as(cli.err() + cli.out()).isZero();
        assertThat(cli.out()).contains("created 16, existed 0")
                .containsPattern("topics-it-a\\.guard-verdicts\\s+3\\s+cleanup\\.policy=compact\\s+created");
        assertThat(partitions(specs)).hasSize(16).allSatisfy((name, count) -> assertThat(count).as(name).isEqualTo(3));
        Map<ConfigResource, Config> configs = stack.kafka().admin().describeConfigs(specs.stream()
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList()).all().get();
        for (TopicSpec spec : specs) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            spec.configs().forEach((key, value) -> assertThat(config.get(key).value()).as(spec.name() + " " + key)
                    .isEqualTo(value));
        }
        Config verdicts = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, "topics-it-a.guard-verdicts"));
        assertThat(verdicts.get("cleanup.policy").value()).isEqualTo("compact");
        Config alerts = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, "topics-it-a.alerts"));
        assertThat(alerts.get("cleanup.policy").value()).isEqualTo("delete");

        // Again, asking for more partitions: nothing is created or changed, and every topic says so.
        assertThat(create(cli, "topics-it-a.", "--partitions", "4")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("nothing to create: all 16 topics exist (16 with warnings)")
                .contains("3 partitions, fewer than the 4 asked").doesNotContain("created\n");
        assertThat(partitions(specs)).allSatisfy((name, count) -> assertThat(count).as(name).isEqualTo(3));
        assertThat(create(cli, "topics-it-a.", "--partitions", "3")).isZero();
        assertThat(cli.out()).contains("nothing to create: all 16 topics exist\n").doesNotContain("warning");
    }

    @Test
    void anExistingTopicIsReportedNotChangedAndARefusalFailsTheCommand() throws Exception {
        stack.createTopic("topics-it-b.raw", 1);
        stack.kafka().createTopic("topics-it-b.guard-verdicts", 2, Map.of());
        CliRun cli = new CliRun();

        assertThat(create(cli, "topics-it-b.", "--partitions", "2")).as(cli.err() + cli.out()).isZero();

        assertThat(cli.out()).containsPattern("topics-it-b\\.raw\\s+1\\s+-\\s+exists; warning: 1 partition, "
                        + "fewer than the 2 asked")
                .contains("cleanup.policy=delete, not compact (not changed")
                .contains("created 14, existed 2 (2 with warnings)");
        Map<String, Integer> partitions = partitions(specs("topics-it-b."));
        assertThat(partitions).containsEntry("topics-it-b.raw", 1).containsEntry("topics-it-b.preferences", 2);

        // One broker cannot hold 3 replicas: the command names the broker's reason and exits 1.
        assertThat(create(cli, "topics-it-c.", "--partitions", "1", "--replication-factor", "3")).isEqualTo(1);
        assertThat(cli.out()).contains("FAILED: InvalidReplicationFactorException").contains("failed 16");
    }
}
