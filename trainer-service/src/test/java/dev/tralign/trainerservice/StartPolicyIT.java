package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** input.start: a new run reads from the beginning, from the end, or from the first record at an instant. */
@ExtendWith(EmbeddedStackExtension.class)
class StartPolicyIT {

    private static List<String> trainedIds(EmbeddedStack stack, String prefix, String runId) {
        List<String> ids = new ArrayList<>();
        PreferenceData.ledger(stack, prefix, runId).forEach(e -> ids.addAll(e.ids()));
        return ids;
    }

    private static List<String> ids(List<PreferencePair> pairs) {
        return pairs.stream().map(PreferencePair::getId).toList();
    }

    @Test
    void aBoundedRunFromAnInstantTrainsOnlyWhatArrivedSince(EmbeddedStack stack) throws Exception {
        String prefix = "start-at.";
        Topics topics = PreferenceData.topics(stack, prefix, 2);
        List<PreferencePair> pairs = PreferenceData.pairs(16, 41);
        PreferenceData.write(stack, topics, pairs.subList(0, 8), 2, List.of());
        // Every earlier record has a timestamp before `from`, every later one at or after it.
        Instant written = Instant.now();
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().toEpochMilli() > written.toEpochMilli());
        Instant from = Instant.now();
        PreferenceData.write(stack, topics, pairs.subList(8, 16), 2, List.of());

        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "start");
        Map<String, String> settings = PreferenceData.settings(stack, prefix, "from-instant", dir);
        settings.put("input.start", from.toString());
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            assertThat(service.run().steps()).isEqualTo(2);
        }
        assertThat(trainedIds(stack, prefix, "from-instant")).containsExactlyInAnyOrderElementsOf(
                ids(pairs.subList(8, 16)));
        topics.close();
    }

    @Test
    void aStreamingRunFromLatestSkipsWhatWasThereAndRecordsWhereItStarted(EmbeddedStack stack) throws Exception {
        String prefix = "start-latest.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        List<PreferencePair> pairs = PreferenceData.pairs(16, 43);
        PreferenceData.write(stack, topics, pairs.subList(0, 8), 1, List.of());
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "start");
        Map<String, String> settings = PreferenceData.settings(stack, prefix, "from-latest", dir);
        settings.put("mode", "streaming");
        settings.put("input.start", "latest");
        AtomicLong step = new AtomicLong();
        TrainerService service = new TrainerService(RunConfig.of(settings));
        service.addProgressListener(r -> step.set(r.step()));
        CompletableFuture<RunSummary> running = CompletableFuture.supplyAsync(service::run);
        // "latest" is resolved before training starts; what is written after that is new to the run.
        await().atMost(Duration.ofSeconds(60)).until(() -> service.isTraining() || running.isDone());
        PreferenceData.write(stack, topics, pairs.subList(8, 16), 1, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> step.get() >= 2 || running.isDone());
        service.stop();
        RunSummary summary = running.get();
        service.close();

        assertThat(trainedIds(stack, prefix, "from-latest")).containsExactlyElementsOf(ids(pairs.subList(8, 16)));
        CheckpointEvent last = summary.checkpoints().get(summary.checkpoints().size() - 1);
        assertThat(last.getMetadata()).containsEntry(InputStart.START_OFFSETS_KEY, prefix + "preferences:0=8");
        topics.close();
    }
}
