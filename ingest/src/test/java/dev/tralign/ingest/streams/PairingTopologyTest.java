package dev.tralign.ingest.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.ingest.parse.ContentIds;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.FeedbackLabel;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PairingTopologyTest {

    private static final Instant T0 = Instant.parse("2025-06-01T00:00:00Z");
    private Topics topics;
    private TopologyTestDriver driver;
    private TestInputTopic<String, BinaryFeedback> feedback;
    private TestOutputTopic<String, PreferencePair> pairs;

    @BeforeEach
    void build() {
        topics = Topics.forTests(new InMemorySchemaRegistryClient());
        StreamsBuilder builder = new StreamsBuilder();
        IngestTopologies.pairing(builder, topics, Duration.ofMinutes(10));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "pairing-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(builder.build(), props);
        feedback = driver.createInputTopic(topics.feedback().name(), topics.feedback().keySerde().serializer(),
                topics.feedback().valueSerde().serializer());
        pairs = driver.createOutputTopic(topics.preferences().name(), topics.preferences().keySerde().deserializer(),
                topics.preferences().valueSerde().deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
        topics.close();
    }

    private void send(String prompt, String completion, FeedbackLabel label, Instant at) {
        BinaryFeedback value = BinaryFeedback.newBuilder()
                .setId(ContentIds.feedbackId(prompt, completion, label)).setPrompt(prompt).setCompletion(completion)
                .setLabel(label).setSource("test").setCreatedAt(at).setMetadata(Map.of()).build();
        feedback.pipeInput(value.getId(), value, at);
    }

    @Test
    void oppositeLabelsOnTheSamePromptWithinTheWindowMakeOnePairDesirableChosen() {
        send("What is 2+2?", "5", FeedbackLabel.UNDESIRABLE, T0);
        send("  What is 2+2?\n", "4", FeedbackLabel.DESIRABLE, T0.plusSeconds(60));

        List<PreferencePair> out = pairs.readValuesToList();

        assertThat(out).singleElement().satisfies(pair -> {
            assertThat(pair.getChosen()).isEqualTo("4");
            assertThat(pair.getRejected()).isEqualTo("5");
            assertThat(pair.getId()).isEqualTo(ContentIds.pairId(pair.getPrompt(), "4", "5"));
            assertThat(pair.getCreatedAt()).isEqualTo(T0.plusSeconds(60));
            assertThat(pair.getMetadata()).containsEntry("pairedFrom.undesirable",
                    ContentIds.feedbackId("What is 2+2?", "5", FeedbackLabel.UNDESIRABLE));
        });
    }

    @Test
    void sameLabelsOtherPromptsAndOutOfWindowFeedbackStayUnpaired() {
        send("q1", "a", FeedbackLabel.DESIRABLE, T0);
        send("q1", "b", FeedbackLabel.DESIRABLE, T0.plusSeconds(1));
        send("q2", "c", FeedbackLabel.UNDESIRABLE, T0.plusSeconds(2));
        send("q1", "late", FeedbackLabel.UNDESIRABLE, T0.plus(Duration.ofMinutes(30)));
        send("q3", "same", FeedbackLabel.DESIRABLE, T0.plus(Duration.ofMinutes(31)));
        send("q3", "same", FeedbackLabel.UNDESIRABLE, T0.plus(Duration.ofMinutes(31)));

        assertThat(pairs.readValuesToList()).isEmpty();
    }

    @Test
    void everyUpDownCombinationIsEmittedOnce() {
        send("q", "good1", FeedbackLabel.DESIRABLE, T0);
        send("q", "good2", FeedbackLabel.DESIRABLE, T0.plusSeconds(1));
        send("q", "bad1", FeedbackLabel.UNDESIRABLE, T0.plusSeconds(2));
        send("q", "bad2", FeedbackLabel.UNDESIRABLE, T0.plusSeconds(3));

        List<String> made = pairs.readValuesToList().stream().map(p -> p.getChosen() + ">" + p.getRejected()).toList();

        assertThat(made).containsExactlyInAnyOrder("good1>bad1", "good2>bad1", "good1>bad2", "good2>bad2");
    }

    @Test
    void windowMustBePositive() {
        assertThatThrownBy(() -> IngestTopologies.pairing(new StreamsBuilder(), topics, Duration.ZERO))
                .hasMessageContaining("--pair-window");
    }
}
