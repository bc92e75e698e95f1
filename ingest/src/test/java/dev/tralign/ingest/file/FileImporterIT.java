package dev.tralign.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.ingest.KafkaTestSupport;
import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.ingest.read.FeedbackReader;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.serde.SerdeConfig;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The file importer on the embedded stack (KRaft broker, registry over HTTP): a crash part-way and a re-run leave no duplicates and no gaps. */
@ExtendWith(EmbeddedStackExtension.class)
class FileImporterIT {

    static final Path HH = Path.of("/work/shared/data/hh-rlhf/harmless-base-test.jsonl.gz");

    static EmbeddedStack stack;

    /** The producers of simulated crashes, reaped after the class (left open, they log every second until exit). */
    static final List<KafkaProducer<byte[], byte[]>> CRASHED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void stack(EmbeddedStack stack) {
        FileImporterIT.stack = stack;
    }

    @org.junit.jupiter.api.AfterAll
    static void reapCrashedProducers() {
        CRASHED.forEach(producer -> producer.close(java.time.Duration.ZERO));
    }

    /** Topics under their own prefix, over the stack's registry (real HTTP). */
    private static Topics topics(String prefix) {
        return Topics.create(prefix, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()));
    }

    private static String retentionMs(String topic) {
        org.apache.kafka.common.config.ConfigResource resource = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            return admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms").value();
        } catch (Exception e) {
            throw new AssertionError("cannot describe " + topic, e);
        }
    }

    /** What the pure reader makes of the file: ids of accepted pairs, and the number of rejections. */
    private static Set<String> expectedIds(List<Outcome> rejected) throws IOException {
        Set<String> ids = new HashSet<>();
        new FeedbackReader(new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS, Clock.systemUTC()))
                .read(HH, "x", o -> {
                    if (o instanceof Outcome.Pair p) {
                        ids.add(p.pair().getId());
                    } else if (o instanceof Outcome.Rejected) {
                        rejected.add(o);
                    }
                });
        return ids;
    }

    /** Real producers that die (throw, and never close, like a killed process) at the n-th send. */
    private static Producer<byte[], byte[]> dyingProducer(Map<String, Object> config, int dieAtSend) {
        KafkaProducer<byte[], byte[]> real = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer());
        CRASHED.add(real);
        AtomicInteger sends = new AtomicInteger();
        @SuppressWarnings("unchecked")
        Producer<byte[], byte[]> proxy = (Producer<byte[], byte[]>) Proxy.newProxyInstance(
                Producer.class.getClassLoader(), new Class<?>[] {Producer.class}, (p, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null; // a crashed process closes nothing: its transaction stays open
                    }
                    if (method.getName().equals("send") && sends.incrementAndGet() == dieAtSend) {
                        real.flush(); // the open transaction really holds records on the broker
                        throw new IllegalStateException("simulated crash at send " + dieAtSend);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return proxy;
    }

    @Test
    void crashPartWayThenRerunPublishesEveryRecordExactlyOnce() throws IOException {
        List<Outcome> rejected = new ArrayList<>();
        Set<String> expected = expectedIds(rejected);
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        try (Topics topics = topics("crash.")) {
            FileImporter crashing = new FileImporter(stack.bootstrapServers(), topics, IngestLimits.DEFAULTS, progress,
                    500, config -> dyingProducer(config, 1_300));
            assertThatThrownBy(() -> crashing.importFiles(List.of(HH), Format.AUTO))
                    .hasMessageContaining("simulated crash");
            // Two transactions (1000 records) were committed before the crash.
            assertThat(KafkaTestSupport.readAll(stack.bootstrapServers(), topics.preferences())).hasSizeBetween(990, 1000);
            // The importer created its topics with their specs: inputs kept forever, the DLQ at the broker's default.
            assertThat(retentionMs(topics.preferences().name())).isEqualTo("-1");
            assertThat(retentionMs(topics.feedback().name())).isEqualTo("-1");
            assertThat(retentionMs(topics.dlq().name())).isNotEqualTo("-1");

            ImportSummary rerun = new FileImporter(stack.bootstrapServers(), topics, IngestLimits.DEFAULTS, progress)
                    .importFiles(List.of(HH), Format.AUTO);

            System.out.println(rerun.render());
            assertThat(rerun.accepted()).isEqualTo(expected.size());
            assertThat(rerun.deadLettered()).isEqualTo(rejected.size());
            assertThat(rerun.accepted() + rerun.duplicates() + rerun.deadLettered()).isEqualTo(2312);
            assertThat(rerun.published()).isEqualTo(expected.size() + rejected.size() - 1000);
            List<String> ids = KafkaTestSupport.readValues(stack.bootstrapServers(), topics.preferences(),
                    PreferencePair::getId);
            assertThat(ids).doesNotHaveDuplicates().hasSize(expected.size());
            assertThat(new HashSet<>(ids)).isEqualTo(expected);
            List<DeadLetter> letters = KafkaTestSupport.readValues(stack.bootstrapServers(), topics.dlq(), d -> d);
            assertThat(letters).hasSize(rejected.size()).allSatisfy(letter -> {
                assertThat(letter.getSourceFile()).isEqualTo(HH.toString());
                assertThat(letter.getSourceLine()).isPositive();
                assertThat(letter.getErrorClass()).isEqualTo(ErrorClass.BLANK_FIELD.name());
                assertThat(letter.getOriginalBytes().remaining()).isPositive();
            });

            ImportSummary third = new FileImporter(stack.bootstrapServers(), topics, IngestLimits.DEFAULTS, progress)
                    .importFiles(List.of(HH), Format.AUTO);
            assertThat(third.published()).isZero();
            assertThat(third.render()).contains("already published by an earlier run");
            assertThat(KafkaTestSupport.readAll(stack.bootstrapServers(), topics.preferences())).hasSize(expected.size());
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("[ingest] done harmless-base-test.jsonl.gz: 2312 records");
    }

    @Test
    void duplicatesAcrossFilesAreCountedNotPublishedAndFeedbackGoesToItsTopic(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.json");
        Files.writeString(a, "{\"prompt\":\"p1\",\"chosen\":\"x\",\"rejected\":\"y\"}\n"
                + "{\"prompt\":\"p2\",\"completion\":\"c\",\"label\":\"desirable\"}\n"
                + "{\"prompt\":\"p3\",\"chosen\":\"x\"}\n");
        Files.writeString(b, "[{\"prompt\":\"p1\",\"chosen\":\"x\",\"rejected\":\"y\",\"note\":\"again\"},"
                + "{\"prompt\":\"p4\",\"chosen\":\"x\",\"rejected\":\"y\"}]");
        try (Topics topics = topics("dups.")) {
            ImportSummary summary = new FileImporter(stack.bootstrapServers(), topics, IngestLimits.DEFAULTS,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .importFiles(List.of(a, b), Format.AUTO);

            assertThat(summary.accepted()).isEqualTo(3);
            assertThat(summary.duplicates()).isEqualTo(1);
            assertThat(summary.deadLettered()).isEqualTo(1);
            assertThat(summary.files().get(0).byErrorClass()).containsEntry(ErrorClass.MISSING_FIELD, 1L);
            assertThat(KafkaTestSupport.readValues(stack.bootstrapServers(), topics.preferences(),
                    PreferencePair::getPrompt)).containsExactlyInAnyOrder("p1", "p4");
            assertThat(KafkaTestSupport.readAll(stack.bootstrapServers(), topics.feedback())).hasSize(1);
            List<DeadLetter> letters = KafkaTestSupport.readValues(stack.bootstrapServers(), topics.dlq(), d -> d);
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.getOrigin()).isEqualTo(a + " line 3");
                assertThat(StandardCharsets.UTF_8.decode(l.getOriginalBytes()).toString())
                        .isEqualTo("{\"prompt\":\"p3\",\"chosen\":\"x\"}");
            });
        }
    }

    @Test
    void bytesThatLookLikeUtf32AreDeadLetteredAndTheGoodLineIsImported(@TempDir Path dir) throws IOException {
        // Issue #19 D2: these 14 bytes made the JSON parser throw, the import exit 1 and no line of the file publish.
        byte[] garbage = "\u0000\u0000\u0000\u0000\u0001\u0002\u0003garbage".getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("hostile.jsonl");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(garbage);
        content.writeBytes("\n{\"prompt\":\"after\",\"chosen\":\"x\",\"rejected\":\"y\"}\n".getBytes(StandardCharsets.UTF_8));
        Files.write(file, content.toByteArray());
        try (Topics topics = topics("hostile.")) {
            ImportSummary summary = new FileImporter(stack.bootstrapServers(), topics, IngestLimits.DEFAULTS,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .importFiles(List.of(file), Format.AUTO);

            assertThat(summary.accepted()).isEqualTo(1);
            assertThat(summary.deadLettered()).isEqualTo(1);
            assertThat(KafkaTestSupport.readValues(stack.bootstrapServers(), topics.preferences(),
                    PreferencePair::getPrompt)).containsExactly("after");
            assertThat(KafkaTestSupport.readValues(stack.bootstrapServers(), topics.dlq(), d -> d)).singleElement()
                    .satisfies(l -> {
                        byte[] original = new byte[l.getOriginalBytes().remaining()];
                        l.getOriginalBytes().duplicate().get(original);
                        assertThat(original).isEqualTo(garbage);
                    });
        }
    }

    @Test
    void missingFileFailsBeforePublishingAnything() {
        try (Topics topics = topics("missing.")) {
            FileImporter importer = new FileImporter(stack.bootstrapServers(), topics, IngestLimits.DEFAULTS,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThatThrownBy(() -> importer.importFiles(List.of(Path.of("no/such/file.jsonl")), Format.AUTO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no/such/file.jsonl");
        }
    }
}
