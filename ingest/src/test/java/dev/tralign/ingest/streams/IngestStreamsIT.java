package dev.tralign.ingest.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.ingest.KafkaTestSupport;
import dev.tralign.ingest.parse.ContentIds;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.serde.SerdeConfig;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** JSON lines fed to the raw topic with kcat come out typed, dead-lettered and paired, exactly once. */
@ExtendWith(EmbeddedStackExtension.class)
class IngestStreamsIT {

    static final Path KCAT = Path.of("/usr/bin/kcat");

    @Test
    void kcatLinesAreNormalisedDeadLetteredAndPaired(EmbeddedStack stack, @TempDir Path dir) throws Exception {
        assertThat(KCAT).as("kcat is needed for this test: apt-get install kcat").isExecutable();
        Path lines = dir.resolve("raw.jsonl");
        Files.writeString(lines, String.join("\n",
                "{\"prompt\":\"Q1\",\"chosen\":\"yes\",\"rejected\":\"no\"}",
                "{\"prompt\":\"Q2\",\"chosen\":\"same\",\"rejected\":\"same\"}",
                "{\"prompt\":\"Q3\",\"completion\":\"Paris\",\"label\":\"desirable\"}",
                "not json at all",
                "{\"prompt\":\"Q3\",\"completion\":\"Lyon\",\"label\":false}",
                "{\"prompt\":\"Q4\",\"completion\":\"alone\",\"label\":true}",
                "{\"chosen\":\"\\n\\nHuman: hi\\n\\nAssistant: hello\",\"rejected\":\"\\n\\nHuman: hi\\n\\nAssistant: go\"}",
                "{\"prompt\":\"Q5\",\"chosen\":7,\"rejected\":\"x\"}") + "\n", StandardCharsets.UTF_8);
        try (Topics topics = Topics.create("kcat.", Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()));
             IngestStreams streams = IngestStreams.start(stack.bootstrapServers(), topics,
                     new IngestStreams.Options("ingest-it", dev.tralign.ingest.parse.Format.AUTO,
                             dev.tralign.ingest.parse.IngestLimits.DEFAULTS, Duration.ofHours(1), dir.resolve("state"),
                             true))) {
            Process kcat = new ProcessBuilder(KCAT.toString(), "-P", "-b", stack.bootstrapServers(), "-t",
                    topics.raw().name(), "-l", lines.toString()).redirectErrorStream(true).start();
            assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(kcat.exitValue()).as(new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    KafkaTestSupport.readAll(stack.bootstrapServers(), topics.preferences()).size() >= 3
                            && KafkaTestSupport.readAll(stack.bootstrapServers(), topics.dlq()).size() >= 3);
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(streams.healthy()).isTrue();
            // What `ingest normalise --metrics-port` serves: Streams' own meters, with the raw records it consumed.
            io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                    new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
            streams.bindMetrics(registry);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    registry.find("kafka.consumer.fetch.manager.records.consumed.total").functionCounters())
                    .anySatisfy(c -> assertThat(c.count()).isGreaterThan(0)));

            List<PreferencePair> pairs = KafkaTestSupport.readValues(stack.bootstrapServers(), topics.preferences(),
                    p -> p);
            assertThat(pairs).extracting(PreferencePair::getId).containsExactlyInAnyOrder(
                    ContentIds.pairId("Q1", "yes", "no"),
                    ContentIds.pairId("\n\nHuman: hi\n\nAssistant:", " hello", " go"),
                    ContentIds.pairId("Q3", "Paris", "Lyon"));
            assertThat(pairs).filteredOn(p -> p.getSource().equals("paired-feedback")).singleElement()
                    .satisfies(p -> assertThat(p.getChosen()).isEqualTo("Paris"));
            assertThat(KafkaTestSupport.readAll(stack.bootstrapServers(), topics.feedback())).hasSize(3);
            List<DeadLetter> letters = KafkaTestSupport.readValues(stack.bootstrapServers(), topics.dlq(), d -> d);
            assertThat(letters).extracting(DeadLetter::getErrorClass)
                    .containsExactly("IDENTICAL_PAIR", "MALFORMED_JSON", "WRONG_TYPE");
            assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(1L, 3L, 7L);
            assertThat(letters).allSatisfy(l -> assertThat(l.getSourceTopic()).isEqualTo("kcat.raw"));
            assertThat(StandardCharsets.UTF_8.decode(letters.get(1).getOriginalBytes()).toString())
                    .isEqualTo("not json at all");
        }
    }
}
