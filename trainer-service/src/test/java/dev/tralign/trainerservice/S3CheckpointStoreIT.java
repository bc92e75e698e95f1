package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.stack.S3rverPeer;
import dev.tralign.store.Blob;
import dev.tralign.store.ReadLimits;
import dev.tralign.store.S3CheckpointStore;
import dev.tralign.store.S3Options;
import dev.tralign.store.StoreLocation;
import dev.tralign.store.VerifiedRead;
import dev.tralign.trainerservice.config.RunConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer with checkpoint.store=s3://... against a real S3-protocol server (s3rver): checkpoints are uploaded
 * before their events commit, a resume downloads the committed one, a store that stays down stops the run without
 * publishing a checkpoint (and the run goes on once it is back), and retention keeps the last N, every K-th and the
 * best by win rate.
 */
@ExtendWith(EmbeddedStackExtension.class)
class S3CheckpointStoreIT {

    private static final String BUCKET = "tralign-ckpt";

    @TempDir
    static Path shared;
    private static S3rverPeer peer;

    @BeforeAll
    static void startPeer() {
        peer = S3rverPeer.start(shared.resolve("s3"), BUCKET);
    }

    @AfterAll
    static void stopPeer() {
        peer.close();
    }

    private static Map<String, String> settings(EmbeddedStack stack, String prefix, String runId) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "staging");
        return PreferenceData.withS3Store(PreferenceData.settings(stack, prefix, runId, dir), peer, BUCKET);
    }

    private static S3CheckpointStore store(RunConfig config) {
        return new S3CheckpointStore((StoreLocation.S3) config.checkpointStore(), config.checkpointS3());
    }

    private static String sha256Of(S3CheckpointStore store, String uri) throws Exception {
        try (Blob blob = store.open(URI.create(uri))) {
            return VerifiedRead.sha256(blob, null, ReadLimits.none());
        }
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void checkpointsAreUploadedBeforeTheirEventsAndAResumeDownloadsTheCommittedOne(EmbeddedStack stack)
            throws Exception {
        String prefix = "s3a.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        List<PreferencePair> pairs = PreferenceData.pairs(24, 5);
        PreferenceData.write(stack, topics, pairs, 1, List.of());
        RunConfig config = RunConfig.of(settings(stack, prefix, "s3-run"));

        // Stop after step 2 (the listener runs on the training thread: the run checkpoints step 2 and returns).
        RunSummary first;
        try (TrainerService service = new TrainerService(config)) {
            service.addProgressListener(r -> {
                if (r.step() >= 2) {
                    service.stop();
                }
            });
            first = service.run();
        }
        assertThat(first.steps()).isEqualTo(2);
        assertThat(files(config.checkpointDir())).containsExactly("step-2.ckpt", "step-2.ckpt.sha256");
        // Nothing local is needed to resume: the committed checkpoint comes back from the bucket.
        try (Stream<Path> walk = Files.walk(config.checkpointDir().getParent())) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }

        RunSummary second;
        try (TrainerService service = new TrainerService(config)) {
            second = service.run();
        }

        assertThat(second.resumedFromStep()).isEqualTo(2);
        assertThat(second.completed()).isTrue();
        assertThat(second.steps()).isEqualTo(6);
        List<CheckpointEvent> events = RunHistory.checkpoints(Map.of("bootstrap.servers", stack.bootstrapServers()),
                topics.checkpoints(), "s3-run");
        assertThat(events).extracting(CheckpointEvent::getStep).containsExactly(2L, 3L, 6L, 6L);
        try (S3CheckpointStore store = store(config)) {
            for (CheckpointEvent e : events) {
                assertThat(e.getUri()).isEqualTo("s3://" + BUCKET + "/runs/s3-run/step-" + e.getStep() + ".ckpt");
                assertThat(sha256Of(store, e.getUri())).isEqualTo(e.getSha256());
            }
        }
        Map<String, Integer> trained = new HashMap<>();
        PreferenceData.ledger(stack, prefix, "s3-run").forEach(l -> l.ids().forEach(id -> trained.merge(id, 1,
                Integer::sum)));
        assertThat(trained).hasSize(24).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        topics.close();
    }

    @Test
    void aStoreThatStaysDownStopsTheRunWithoutAnEventAndTheRunGoesOnOnceItIsBack(EmbeddedStack stack)
            throws Exception {
        String prefix = "s3b.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        PreferenceData.write(stack, topics, PreferenceData.pairs(12, 6), 1, List.of());
        Map<String, String> settings = settings(stack, prefix, "s3-down");
        settings.put("checkpoint.upload_timeout_ms", "1500");
        RunConfig config = RunConfig.of(settings);
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());

        peer.stop();
        try (TrainerService service = new TrainerService(config)) {
            assertThatThrownBy(service::run).isInstanceOf(CheckpointKeeper.CheckpointNotStoredException.class)
                    .hasMessageContaining("checkpoint step 3 could not be stored")
                    .hasMessageContaining("gave up storing s3-down/step-3.ckpt");
        } finally {
            peer.start();
        }
        assertThat(RunHistory.checkpoints(kafka, topics.checkpoints(), "s3-down")).isEmpty();
        assertThat(PreferenceData.ledger(stack, prefix, "s3-down")).isEmpty();

        RunSummary summary;
        try (TrainerService service = new TrainerService(config)) {
            summary = service.run();
        }
        assertThat(summary.resumedFromStep()).isZero();
        assertThat(summary.completed()).isTrue();
        assertThat(RunHistory.checkpoints(kafka, topics.checkpoints(), "s3-down"))
                .extracting(CheckpointEvent::getStep).containsExactly(3L, 3L);
        topics.close();
    }

    @Test
    void retentionKeepsTheLastEveryKthAndTheBestByWinRateAndDeletesTheRest(EmbeddedStack stack) throws Exception {
        String prefix = "s3c.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        PreferenceData.write(stack, topics, PreferenceData.pairs(36, 7), 1, List.of());
        // The evaluator judged step 2 best of the fully judged steps (4 prompts); step 6 looks better but only 2 of
        // its prompts are judged so far (other workers may still need its checkpoint): it does not count.
        try (KafkaProducer<String, WinRate> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all"),
                topics.winRates().keySerde().serializer(), topics.winRates().valueSerde().serializer())) {
            for (long[] stepRateJudged : new long[][] {{1, 40, 4}, {2, 80, 4}, {3, 50, 4}, {5, 60, 4}, {6, 99, 2}}) {
                producer.send(new ProducerRecord<>(topics.winRates().name(), "s3-keep|" + stepRateJudged[0],
                        winRate("s3-keep", stepRateJudged[0], stepRateJudged[1], stepRateJudged[2]))).get();
            }
        }
        Map<String, String> settings = settings(stack, prefix, "s3-keep");
        settings.put("checkpoint.every_steps", "1");
        settings.put("checkpoint.keep_last", "2");
        settings.put("checkpoint.keep_every", "4");
        settings.put("checkpoint.keep_best", "1");
        settings.put("checkpoint.keep_unjudged", "false");
        RunConfig config = RunConfig.of(settings);

        try (TrainerService service = new TrainerService(config)) {
            assertThat(service.run().steps()).isEqualTo(9);
        }

        // Kept: the last two (8, 9), every 4th (4, 8), the best (2); deleted: 1, 3, 5, 6, 7.
        try (S3CheckpointStore store = store(config)) {
            for (long step = 1; step <= 9; step++) {
                URI uri = URI.create("s3://" + BUCKET + "/runs/s3-keep/step-" + step + ".ckpt");
                if (List.of(2L, 4L, 8L, 9L).contains(step)) {
                    store.open(uri).close();
                } else {
                    assertThatThrownBy(() -> store.open(uri)).as("step " + step)
                            .isInstanceOf(NoSuchFileException.class);
                }
            }
        }
        assertThat(files(config.checkpointDir())).containsExactly("step-9.ckpt", "step-9.ckpt.sha256");
        topics.close();
    }

    @Test
    void aRestartedRunForgetsCheckpointsRetentionAlreadyDeleted(EmbeddedStack stack) throws Exception {
        String prefix = "s3d.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        PreferenceData.write(stack, topics, PreferenceData.pairs(36, 8), 1, List.of());
        publish(stack, topics, winRate("s3-again", 1, 50, 4), winRate("s3-again", 3, 70, 4));
        Map<String, String> settings = settings(stack, prefix, "s3-again");
        settings.put("checkpoint.every_steps", "1");
        settings.put("checkpoint.keep_last", "1");
        settings.put("checkpoint.keep_best", "1");
        settings.put("checkpoint.keep_unjudged", "false");
        RunConfig config = RunConfig.of(settings);
        try (TrainerService service = new TrainerService(config)) {
            service.addProgressListener(r -> {
                if (r.step() >= 4) {
                    service.stop();
                }
            });
            assertThat(service.run().steps()).isEqualTo(4);
        }
        // Step 2 was deleted at step 3 (not last, not best then); now it is judged best. The resumed run must keep the
        // best checkpoint that still exists (3), not a place for the one that is gone.
        publish(stack, topics, winRate("s3-again", 2, 90, 4));

        try (TrainerService service = new TrainerService(config)) {
            assertThat(service.run().steps()).isEqualTo(9);
        }

        try (S3CheckpointStore store = store(config)) {
            for (long step = 1; step <= 9; step++) {
                URI uri = URI.create("s3://" + BUCKET + "/runs/s3-again/step-" + step + ".ckpt");
                assertThat(store.exists(uri)).as("step " + step).isEqualTo(step == 3 || step == 9);
            }
        }
        topics.close();
    }

    private static void publish(EmbeddedStack stack, Topics topics, WinRate... rates) throws Exception {
        try (KafkaProducer<String, WinRate> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all"),
                topics.winRates().keySerde().serializer(), topics.winRates().valueSerde().serializer())) {
            for (WinRate rate : rates) {
                producer.send(new ProducerRecord<>(topics.winRates().name(), rate.getRunId() + "|" + rate.getStep(),
                        rate)).get();
            }
        }
    }

    private static WinRate winRate(String runId, long step, double rate, long judged) {
        return WinRate.newBuilder().setRunId(runId).setStep(step).setNWins(1).setNWinsBase(0).setNDraws(0)
                .setNTotal(judged).setWinRate(rate).setStandardError(0).setDiscreteWinRate(rate).setWilsonLow(0)
                .setWilsonHigh(1).setAt(Instant.now()).build();
    }
}
