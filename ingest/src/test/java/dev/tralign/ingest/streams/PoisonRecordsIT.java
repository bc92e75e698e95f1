package dev.tralign.ingest.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.ingest.KafkaTestSupport;
import dev.tralign.ingest.parse.ContentIds;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.serde.SerdeConfig;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #19 D2 on the topics: bytes that made the JSON parser throw, and a record that is not Avro on the feedback
 * topic, are dead-lettered while the application keeps running and the next record flows.
 */
@ExtendWith(EmbeddedStackExtension.class)
class PoisonRecordsIT {

    @Test
    void poisonRecordsAreDeadLetteredAndTheNextRecordFlows(EmbeddedStack stack, @TempDir Path dir) throws Exception {
        byte[] utf32Lookalike = "\u0000\u0000\u0000\u0000\u0001\u0002\u0003garbage".getBytes(StandardCharsets.ISO_8859_1);
        byte[] notAvro = "{\"prompt\":\"plain json\"}".getBytes(StandardCharsets.UTF_8);
        try (Topics topics = Topics.create("poison.", Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()));
             IngestStreams streams = IngestStreams.start(stack.bootstrapServers(), topics,
                     new IngestStreams.Options("poison-it", Format.AUTO, IngestLimits.DEFAULTS, Duration.ofHours(1),
                             dir.resolve("state"), true));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.raw().name(), utf32Lookalike)).get();
            producer.send(new ProducerRecord<>(topics.feedback().name(), notAvro)).get();
            producer.send(new ProducerRecord<>(topics.raw().name(), "{\"prompt\":\"after\",\"chosen\":\"a\",\"rejected\":\"b\"}"
                    .getBytes(StandardCharsets.UTF_8))).get();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    KafkaTestSupport.readValues(stack.bootstrapServers(), topics.preferences(), PreferencePair::getId)
                            .contains(ContentIds.pairId("after", "a", "b"))
                            && KafkaTestSupport.readAll(stack.bootstrapServers(), topics.dlq()).size() >= 2);
            List<DeadLetter> letters = KafkaTestSupport.readValues(stack.bootstrapServers(), topics.dlq(), d -> d);
            assertThat(letters).anySatisfy(letter -> {
                assertThat(letter.getSourceTopic()).isEqualTo(topics.raw().name());
                assertThat(letter.getErrorClass()).isEqualTo("MALFORMED_JSON");
                assertThat(bytes(letter)).isEqualTo(utf32Lookalike);
            });
            assertThat(letters).anySatisfy(letter -> {
                assertThat(letter.getSourceTopic()).isEqualTo(topics.feedback().name());
                assertThat(letter.getErrorClass()).isEqualTo("MALFORMED_RECORD");
                assertThat(bytes(letter)).isEqualTo(notAvro);
            });
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(streams.stopped()).isNotDone();
        }
    }

    @Test
    void aFatalErrorStopsTheApplicationAndSaysWhy(EmbeddedStack stack, @TempDir Path dir) throws Exception {
        try (Topics topics = Topics.create("fatal.", Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()));
             Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            // An operator set the output topic's limit below what --max-record-bytes lets through: the broker refuses
            // the output inside the transaction, which Streams cannot skip. The application must stop (and the CLI
            // exit for its supervisor) rather than stay up doing nothing; the raw record is not committed.
            admin.createTopics(List.of(new NewTopic(topics.preferences().name(), 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "2000")))).all().get();
            try (IngestStreams streams = IngestStreams.start(stack.bootstrapServers(), topics,
                         new IngestStreams.Options("fatal-it", Format.AUTO, IngestLimits.DEFAULTS, Duration.ofHours(1),
                                 dir.resolve("state"), false));
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                         stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topics.raw().name(), ("{\"prompt\":\"" + "p".repeat(3000)
                        + "\",\"chosen\":\"a\",\"rejected\":\"b\"}").getBytes(StandardCharsets.UTF_8))).get();

                String reason = streams.stopped().get(90, java.util.concurrent.TimeUnit.SECONDS);

                assertThat(reason).startsWith("Kafka Streams failed");
                await().atMost(Duration.ofSeconds(30)).until(() -> !streams.healthy());
            }
        }
    }

    private static byte[] bytes(DeadLetter letter) {
        byte[] bytes = new byte[letter.getOriginalBytes().remaining()];
        letter.getOriginalBytes().duplicate().get(bytes);
        return bytes;
    }
}
