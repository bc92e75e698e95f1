package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.avro.ReferenceUpdateEvent;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainerservice.config.RunConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedStackExtension.class)
class TrainerServiceIT {

    @Test
    void boundedRunTrainsEachGoodRecordOncePerEpochDeadLettersPoisonAndReplaysBitIdentically(EmbeddedStack stack)
            throws Exception {
        String prefix = "bounded.";
        Topics topics = PreferenceData.topics(stack, prefix, 2);
        List<PreferencePair> good = PreferenceData.pairs(30, 7);
        PreferencePair untokenizable = PreferencePair.newBuilder(good.get(0)).setId("bad-char")
                .setChosen("abZ").build();
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        List<byte[]> poison = List.of(garbage, topics.preferences().valueSerde().serializer()
                .serialize(topics.preferences().name(), untokenizable));
        PreferenceData.write(stack, topics, good, 2, poison);
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ckpt");
        Map<String, String> settings = PreferenceData.settings(stack, prefix, "bounded-a", dir);
        settings.put("epochs", "2");

        RunSummary summary;
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            summary = service.run();
        }

        // 30 good pairs twice, in batches of 4 that run on across the epoch boundary: 15 steps.
        assertThat(summary.completed()).isTrue();
        assertThat(summary.steps()).isEqualTo(15);
        assertThat(summary.deadLetters()).isEqualTo(2);
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        List<LedgerEntry> ledger = PreferenceData.ledger(stack, prefix, "bounded-a");
        assertThat(ledger).extracting(LedgerEntry::step).containsExactlyElementsOf(range(1, 15));
        Map<String, Integer> timesTrained = new HashMap<>();
        ledger.forEach(e -> e.ids().forEach(id -> timesTrained.merge(id, 1, Integer::sum)));
        assertThat(timesTrained).hasSize(30).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(2));
        // Batches follow (offset, partition): pairs alternate partitions, the two poison records sit on p0.
        assertThat(ledger.get(0).origins()).containsExactly(prefix + "preferences/0@0", prefix + "preferences/1@0",
                prefix + "preferences/0@1", prefix + "preferences/1@1");

        List<DeadLetter> dead = values(stack, topics.dlq().name(), topics.dlq().valueSerde().deserializer());
        assertThat(dead).extracting(DeadLetter::getErrorClass)
                .containsExactlyInAnyOrder("DESERIALIZATION", "TOKENIZATION");
        assertThat(dead).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo(prefix + "preferences"));
        assertThat(dead.stream().filter(d -> d.getErrorClass().equals("DESERIALIZATION")).findFirst().orElseThrow()
                .getOriginalBytes().array()).isEqualTo(garbage);

        List<CheckpointEvent> checkpoints = RunHistory.checkpoints(kafka, topics.checkpoints(), "bounded-a");
        assertThat(checkpoints).extracting(CheckpointEvent::getStep).containsExactly(3L, 6L, 9L, 12L, 15L, 15L);
        assertThat(checkpoints).extracting(CheckpointEvent::getFinal$)
                .containsExactly(false, false, false, false, false, true);
        assertThat(checkpoints.get(5).getReferenceVersion()).isEqualTo(7);
        assertThat(checkpoints.get(5).getMetadata()).containsEntry("end", "completed").containsEntry("epoch", "1");
        for (CheckpointEvent e : checkpoints) {
            assertThat(CheckpointFile.sha256(TrainingLoop.fileOf(e))).isEqualTo(e.getSha256());
        }
        List<ReferenceUpdateEvent> updates = values(stack, topics.referenceUpdates().name(),
                topics.referenceUpdates().valueSerde().deserializer());
        assertThat(updates).extracting(ReferenceUpdateEvent::getStep).containsExactly(2L, 4L, 6L, 8L, 10L, 12L, 14L);
        List<TrainMetrics> metrics = values(stack, topics.trainMetrics().name(),
                topics.trainMetrics().valueSerde().deserializer());
        assertThat(metrics).hasSize(15).allSatisfy(m -> assertThat(m.getMetrics())
                .containsKeys("rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies"));

        // Running a completed run again changes nothing.
        try (TrainerService again = new TrainerService(RunConfig.of(settings))) {
            RunSummary second = again.run();
            assertThat(second.steps()).isEqualTo(15);
            assertThat(second.checkpoints()).isEmpty();
        }

        Map<String, String> connection = Map.of("bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.registryUrl(), "topic.prefix", prefix, "checkpoint.dir", dir.toString());
        ReplayReport report = Replay.run(connection, "bounded-a", "bounded-a-replay");
        assertThat(report.checkpoints()).extracting(CheckpointComparison::step)
                .containsExactly(3L, 6L, 9L, 12L, 15L);
        assertThat(report.allMatch()).as(report.toText()).isTrue();
        topics.close();
    }

    @Test
    void streamingRunTrainsAsRecordsArriveAndStopsWithACheckpoint(EmbeddedStack stack) throws Exception {
        String prefix = "streaming.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        List<PreferencePair> pairs = PreferenceData.pairs(40, 11);
        PreferenceData.write(stack, topics, pairs.subList(0, 10), 1, List.of());
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ckpt");
        Map<String, String> settings = PreferenceData.settings(stack, prefix, "streaming-a", dir);
        settings.put("mode", "streaming");
        settings.put("max_wait_ms", "300");
        AtomicLong step = new AtomicLong();
        TrainerService service = new TrainerService(RunConfig.of(settings));
        service.addProgressListener(r -> step.set(r.step()));
        CompletableFuture<RunSummary> running = CompletableFuture.supplyAsync(service::run);

        // 10 records: 2 full batches, then a partial batch of 2 once max_wait_ms passes.
        await().atMost(Duration.ofSeconds(90)).until(() -> step.get() >= 3);
        PreferenceData.write(stack, topics, pairs.subList(10, 40), 1, List.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> step.get() >= 8);
        service.stop();
        RunSummary summary = running.get();
        service.close();

        assertThat(summary.completed()).isFalse();
        CheckpointEvent last = summary.checkpoints().get(summary.checkpoints().size() - 1);
        assertThat(last.getMetadata()).containsEntry("end", "stopped").containsEntry("mode", "streaming");
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        List<LedgerEntry> ledger = PreferenceData.ledger(stack, prefix, "streaming-a");
        List<String> trained = new ArrayList<>();
        ledger.forEach(e -> trained.addAll(e.ids()));
        assertThat(trained).doesNotHaveDuplicates()
                .containsExactlyElementsOf(pairs.subList(0, trained.size()).stream().map(PreferencePair::getId)
                        .toList());
        assertThat(last.getConsumedOffsets().get(0).getOffset()).isEqualTo(trained.size());
        assertThat(ledger.get(2).ids()).hasSize(2);
        topics.close();
    }

    @Test
    void ktoSplitsEachPairIntoADesirableAndAnUndesirableExample(EmbeddedStack stack) throws Exception {
        String prefix = "kto.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        List<PreferencePair> pairs = PreferenceData.pairs(12, 3);
        PreferenceData.write(stack, topics, pairs, 1, List.of());
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ckpt");
        Map<String, String> settings = PreferenceData.settings(stack, prefix, "kto-a", dir);
        settings.put("loss_type", "kto");
        settings.put("kto.split_pairs", "true");

        RunSummary summary;
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            summary = service.run();
        }

        assertThat(summary.steps()).isEqualTo(6);
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        List<String> trained = new ArrayList<>();
        PreferenceData.ledger(stack, prefix, "kto-a").forEach(e -> trained.addAll(e.ids()));
        List<String> expected = new ArrayList<>();
        pairs.forEach(p -> {
            expected.add(p.getId() + "#chosen");
            expected.add(p.getId() + "#rejected");
        });
        assertThat(trained).containsExactlyElementsOf(expected);
        List<TrainMetrics> metrics = values(stack, topics.trainMetrics().name(),
                topics.trainMetrics().valueSerde().deserializer());
        assertThat(metrics).hasSize(6).allSatisfy(m -> assertThat(m.getMetrics()).containsKeys("kl",
                "rewards/chosen", "rewards/rejected"));
        topics.close();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    private static <V> List<V> values(EmbeddedStack stack, String topic,
            org.apache.kafka.common.serialization.Deserializer<V> deserializer) {
        List<V> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : RunHistory.readAll(Map.of("bootstrap.servers",
                stack.bootstrapServers()), topic)) {
            out.add(deserializer.deserialize(topic, r.value()));
        }
        return out;
    }

}
