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
