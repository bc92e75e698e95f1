package dev.tralign.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesFollowTheDesign() {
        Topics topics = Topics.forTests(new InMemorySchemaRegistryClient());
        assertThat(topics.preferences().name()).isEqualTo("tralign.preferences");
        assertThat(topics.preferencesOnline().name()).isEqualTo("tralign.preferences.online");
        assertThat(topics.dlq().name()).isEqualTo("tralign.dlq");
        assertThat(topics.raw().name()).isEqualTo("tralign.raw");
        assertThat(topics.referenceUpdates().name()).isEqualTo("tralign.reference-updates");
        assertThat(topics.trainMetrics().name()).isEqualTo("tralign.train-metrics");
        assertThat(topics.winRates().name()).isEqualTo("tralign.win-rates");
        assertThat(topics.alerts().name()).isEqualTo("tralign.alerts");
        assertThat(topics.guardVerdicts().name()).isEqualTo("tralign.guard-verdicts");
        assertThat(topics.promotions().name()).isEqualTo("tralign.promotions");
        assertThat(topics.championVerdicts().name()).isEqualTo("tralign.champion-verdicts");
        assertThat(topics.names()).hasSize(15).doesNotHaveDuplicates().allMatch(n -> n.startsWith("tralign."));
    }

    @Test
    void specsGiveEveryTopicItsConfigs() {
        Topics topics = Topics.create("run7.", new InMemorySchemaRegistryClient(), Map.of());
        Map<String, Map<String, String>> configs = topics.specs().stream()
                .collect(java.util.stream.Collectors.toMap(TopicSpec::name, TopicSpec::configs));
        assertThat(topics.specs()).extracting(TopicSpec::name).startsWith(topics.names().toArray(String[]::new))
                .endsWith("run7.trainer-ledger").hasSize(16);
        assertThat(configs.get("run7.guard-verdicts")).containsExactly(Map.entry("cleanup.policy", "compact"));
        for (String kept : new String[] {"preferences", "preferences.online", "feedback", "checkpoints",
            "trainer-ledger"}) {
            assertThat(configs.get("run7." + kept)).as(kept).containsExactly(Map.entry("retention.ms", "-1"));
        }
        assertThat(configs.get("run7.champion-verdicts")).isEmpty();
        assertThat(configs.get("run7.alerts")).isEmpty();
        assertThat(configs.values().stream().filter(c -> !c.isEmpty())).hasSize(6);
        assertThat(topics.specOf(topics.guardVerdicts())).isEqualTo(topics.specs().get(12));
        assertThat(new TopicSpec("t", Map.of("b", "2", "a", "1")).configText()).isEqualTo("a=1,b=2");
        assertThat(new TopicSpec("t", Map.of()).configText()).isEqualTo("-");
    }

    @Test
    void eachEvaluatorGroupHasItsOwnTaskTopic() {
        Topics topics = Topics.create("run7.", new InMemorySchemaRegistryClient(), Map.of());
        assertThat(topics.evaluationTasks("evaluators-a").name()).isEqualTo("run7.eval-tasks.evaluators-a");
        assertThat(topics.evaluationTasks("b").name()).isNotEqualTo(topics.evaluationTasks("a").name());
        assertThatThrownBy(() -> topics.evaluationTasks("my group")).hasMessageContaining("'my group'")
                .hasMessageContaining("letters, digits");
    }

    @Test
    void prefixIsApplied() {
        Topics topics = Topics.create("run7.", new InMemorySchemaRegistryClient(), Map.of());
        assertThat(topics.names()).allMatch(n -> n.startsWith("run7."));
        assertThatThrownBy(() -> Topics.create("bad prefix/", new InMemorySchemaRegistryClient(), Map.of()))
                .hasMessageContaining("bad prefix/");
    }

    @Test
    void serdesRoundTripThroughTheSharedClient() {
        InMemorySchemaRegistryClient client = new InMemorySchemaRegistryClient();
        Topics topics = Topics.forTests(client);
        PreferencePair pair = PreferencePair.newBuilder().setId("i").setPrompt("p").setChosen("c").setRejected("r")
                .setSource("s").setCreatedAt(Instant.EPOCH).build();
        Topic<String, PreferencePair> topic = topics.preferences();
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), pair);
        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), bytes)).isEqualTo(pair);
        assertThat(client.subjects()).containsExactly("tralign.preferences-value");
    }
}
