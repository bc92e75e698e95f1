package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.config.RunConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A streaming run's micro-batches are closed by timing (max_wait_ms), so a replay cannot recompute them from offsets;
 * it trains the run's ledger instead and must reproduce every checkpoint bit for bit.
 */
@ExtendWith(EmbeddedStackExtension.class)
class StreamingReplayIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void replayOfAStreamingRunTrainsItsLedgerAndReproducesEveryCheckpoint(EmbeddedStack stack) throws Exception {
        String prefix = "sreplay.";
        Topics topics = PreferenceData.topics(stack, prefix, 2);
        List<PreferencePair> pairs = PreferenceData.pairs(27, 31);
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "sreplay");
        Map<String, String> settings = PreferenceData.settings(stack, prefix, "stream-r", dir);
        settings.put("mode", "streaming");
        settings.put("max_wait_ms", "300");
        settings.put("gradient_accumulation_steps", "2");
        AtomicLong step = new AtomicLong();
        AtomicInteger microBatches = new AtomicInteger();
        TrainerService service = new TrainerService(RunConfig.of(settings));
        service.addProgressListener(r -> {
            microBatches.incrementAndGet();
            step.set(r.step());
        });
        CompletableFuture<RunSummary> running = CompletableFuture.supplyAsync(service::run);

        // A step trains once both its micro-batches are assembled; the second closes max_wait_ms after its first
        // record when no more come. Each burst is sent once the step before it was trained, so the sizes are known;
        // later bursts go to one partition so that they arrive together.
        PreferenceData.write(stack, topics, pairs.subList(0, 12), 2, List.of()); // [4 4] [4 ..
        await().atMost(DEADLINE).until(() -> microBatches.get() >= 2 || running.isDone());
        PreferenceData.write(stack, topics, pairs.subList(12, 14), 1, List.of()); // .. 2]
        await().atMost(DEADLINE).until(() -> microBatches.get() >= 4 || running.isDone());
        byte[] poison = "not avro".getBytes(StandardCharsets.UTF_8);
        PreferenceData.write(stack, topics, pairs.subList(14, 19), 1, List.of(poison)); // [4 1]
        await().atMost(DEADLINE).until(() -> microBatches.get() >= 6 || running.isDone());
        PreferenceData.write(stack, topics, pairs.subList(19, 27), 1, List.of()); // [4 4]
        await().atMost(DEADLINE).until(() -> microBatches.get() >= 8 || running.isDone());
        service.stop();
        RunSummary summary = running.get();
        service.close();
        assertThat(summary.steps()).isEqualTo(4);
        assertThat(summary.deadLetters()).isEqualTo(1);

        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        List<LedgerEntry> ledger = PreferenceData.ledger(stack, prefix, "stream-r");
        assertThat(ledger).extracting(LedgerEntry::microBatches)
                .containsExactly(List.of(4, 4), List.of(4, 2), List.of(4, 1), List.of(4, 4));

        Map<String, String> connection = Map.of("bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.registryUrl(), "topic.prefix", prefix, "checkpoint.dir", dir.toString());
        ReplayReport report = Replay.run(connection, "stream-r", "stream-r-replay");
        assertThat(report.checkpoints()).extracting(CheckpointComparison::step).containsExactly(3L, 4L);
        assertThat(report.allMatch()).as(report.toText()).isTrue();
        List<LedgerEntry> replayed = PreferenceData.ledger(stack, prefix, "stream-r-replay");
        assertThat(replayed).as("the replay trained the same records in the same micro-batches")
                .containsExactlyElementsOf(ledger);

        // A run recorded before the ledger was Avro has text lines on the same topic: it must replay the same.
        List<CheckpointEvent> checkpoints = RunHistory.checkpoints(kafka, topics.checkpoints(), "stream-r");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] key = "stream-legacy".getBytes(StandardCharsets.UTF_8);
            for (LedgerEntry entry : ledger) {
                producer.send(new ProducerRecord<>(topics.trainerLedger().name(), key,
                        entry.toLine().getBytes(StandardCharsets.UTF_8))).get();
            }
            for (CheckpointEvent event : checkpoints) {
                CheckpointEvent copy = CheckpointEvent.newBuilder(event).setRunId("stream-legacy").build();
                producer.send(new ProducerRecord<>(topics.checkpoints().name(), key,
                        topics.checkpoints().valueSerde().serializer().serialize(topics.checkpoints().name(), copy)))
                        .get();
            }
        }
        assertThat(PreferenceData.ledger(stack, prefix, "stream-legacy")).containsExactlyElementsOf(ledger);
        ReplayReport legacy = Replay.run(connection, "stream-legacy", "stream-legacy-replay");
        assertThat(legacy.checkpoints()).extracting(CheckpointComparison::step).containsExactly(3L, 4L);
        assertThat(legacy.allMatch()).as(legacy.toText()).isTrue();
        topics.close();
    }
}
