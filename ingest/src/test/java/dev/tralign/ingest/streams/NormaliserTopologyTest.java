package dev.tralign.ingest.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.ingest.parse.ContentIds;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.FeedbackLabel;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NormaliserTopologyTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC);
    private Topics topics;
    private TopologyTestDriver driver;

    @BeforeEach
    void build() {
        topics = Topics.forTests(new InMemorySchemaRegistryClient());
        StreamsBuilder builder = new StreamsBuilder();
        IngestTopologies.normaliser(builder, topics, new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS, CLOCK),
                CLOCK);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "normaliser-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(builder.build(), props);
    }

    @AfterEach
    void close() {
        driver.close();
        topics.close();
    }

    @Test
    void routesPairsFeedbackAndDeadLettersWithTheirKafkaOrigin() {
        TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(topics.raw().name(),
                topics.raw().keySerde().serializer(), topics.raw().valueSerde().serializer());
        byte[] bad = "{\"prompt\":\"p\",\"chosen\":\"same\",\"rejected\":\"same\"}".getBytes(StandardCharsets.UTF_8);
        raw.pipeInput(null, "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\",\"src\":\"kcat\"}"
                .getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(null, bad);
        raw.pipeInput(null, "{\"prompt\":\"p\",\"completion\":\"a\",\"label\":\"desirable\"}".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(null, (byte[]) null);

        List<KeyValue<String, PreferencePair>> pairs = driver.createOutputTopic(topics.preferences().name(),
                topics.preferences().keySerde().deserializer(), topics.preferences().valueSerde().deserializer())
                .readKeyValuesToList();
        List<KeyValue<String, BinaryFeedback>> feedback = driver.createOutputTopic(topics.feedback().name(),
                topics.feedback().keySerde().deserializer(), topics.feedback().valueSerde().deserializer())
                .readKeyValuesToList();
        List<DeadLetter> letters = driver.createOutputTopic(topics.dlq().name(),
                topics.dlq().keySerde().deserializer(), topics.dlq().valueSerde().deserializer()).readValuesToList();

        assertThat(pairs).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo(ContentIds.pairId("p", "a", "b")).isEqualTo(kv.value.getId());
            assertThat(kv.value.getSource()).isEqualTo("raw-topic");
            assertThat(kv.value.getMetadata()).containsEntry("src", "kcat")
                    .containsEntry("ingest.origin", "tralign.raw/0@0");
        });
        assertThat(feedback).singleElement().satisfies(kv ->
                assertThat(kv.key).isEqualTo(ContentIds.feedbackId("p", "a", FeedbackLabel.DESIRABLE)));
        assertThat(letters).hasSize(2);
        assertThat(letters.get(0).getErrorClass()).isEqualTo("IDENTICAL_PAIR");
        assertThat(letters.get(0).getSourceTopic()).isEqualTo("tralign.raw");
        assertThat(letters.get(0).getSourceOffset()).isEqualTo(1L);
        assertThat(letters.get(0).getOriginalBytes()).isEqualTo(java.nio.ByteBuffer.wrap(bad));
        assertThat(letters.get(0).getAt()).isEqualTo(CLOCK.instant());
        assertThat(letters.get(1).getErrorClass()).isEqualTo("MALFORMED_JSON");
        assertThat(letters.get(1).getOrigin()).isEqualTo("tralign.raw/0@3");
    }
}
