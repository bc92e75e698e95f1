package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same pair published twice (two HTTP requests, a file and a request: one key, two records) trains once per
 * epoch, and a resumed run skips the same copies as one that never stopped.
 */
@ExtendWith(EmbeddedStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DedupeIT {

    private static final String PREFIX = "dedupe.";
    private static final int UNIQUE = 20;
    private static final int COPIES = 5;
    private List<PreferencePair> unique;
    private Path dir;

    @BeforeAll
    void writeEveryPairOnceThenFiveAgain(EmbeddedStack stack) throws Exception {
        Topics topics = PreferenceData.topics(stack, PREFIX, 2);
        unique = PreferenceData.pairs(UNIQUE, 19);
        List<PreferencePair> stream = new ArrayList<>(unique);
        // Copies land on the other partition too (round-robin), as a second producer's would.
        for (int i = 0; i < COPIES; i++) {
            stream.add(unique.get(3 * i + 1));
        }
        PreferenceData.write(stack, topics, stream, 2, List.of());
        topics.close();
        dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dedupe");
    }

    private Map<String, String> settings(EmbeddedStack stack, String runId) {
        Map<String, String> s = PreferenceData.settings(stack, PREFIX, runId, dir);
        s.put("epochs", "2");
        return s;
    }

    private static Map<String, Integer> timesTrained(EmbeddedStack stack, String runId, int epoch) {
        Map<String, Integer> times = new HashMap<>();
        PreferenceData.ledger(stack, PREFIX, runId).stream().filter(e -> e.epoch() == epoch)
                .forEach(e -> e.ids().forEach(id -> times.merge(id, 1, Integer::sum)));
        return times;
    }

    private static CheckpointEvent last(RunSummary summary) {
        return summary.checkpoints().get(summary.checkpoints().size() - 1);
    }

    @Test
    void aPairSentTwiceTrainsOncePerEpochAndAResumeSkipsTheSameCopies(EmbeddedStack stack) throws Exception {
        RunSummary whole;
        try (TrainerService service = new TrainerService(RunConfig.of(settings(stack, "whole")))) {
            whole = service.run();
        }
        for (int epoch = 0; epoch < 2; epoch++) {
            assertThat(timesTrained(stack, "whole", epoch)).as("epoch %d", epoch).hasSize(UNIQUE)
                    .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        }
        assertThat(whole.steps()).isEqualTo(2 * UNIQUE / 4);
        assertThat(last(whole).getMetadata()).containsEntry(TrainingLoop.DUPLICATES_KEY, Integer.toString(2 * COPIES))
                // The trainer's own value is recorded (what a replay must use), here the default.
                .containsEntry("config.micro_batch_shards", "2");

        // Stopped in the second epoch, after the copies of the first: the restart must read back which keys this
        // epoch already trained, then skip exactly the copies the whole run skipped.
        TrainerService first = new TrainerService(RunConfig.of(settings(stack, "resumed")));
        first.addProgressListener(r -> {
            if (r.step() == 6) {
                first.stop();
            }
        });
        assertThat(first.run().steps()).isEqualTo(6);
        first.close();
        RunSummary rest;
        try (TrainerService second = new TrainerService(RunConfig.of(settings(stack, "resumed")))) {
            rest = second.run();
        }
        assertThat(rest.resumedFromStep()).isEqualTo(6);
        for (int epoch = 0; epoch < 2; epoch++) {
            assertThat(timesTrained(stack, "resumed", epoch)).as("epoch %d", epoch)
                    .isEqualTo(timesTrained(stack, "whole", epoch));
        }
        assertThat(rest.lastSha256()).as("final checkpoint, resumed vs whole").isEqualTo(whole.lastSha256());
        assertThat(last(rest).getMetadata()).containsEntry(TrainingLoop.DUPLICATES_KEY, Integer.toString(2 * COPIES));
    }

    @Test
    void withDedupeOffEveryCopyTrains(EmbeddedStack stack) {
        Map<String, String> s = settings(stack, "no-dedupe");
        s.put("input.dedupe", "false");
        s.put("epochs", "1");
        s.put("micro_batch_shards", "1");
        RunSummary summary;
        try (TrainerService service = new TrainerService(RunConfig.of(s))) {
            summary = service.run();
        }
        assertThat(last(summary).getMetadata()).containsEntry("config.micro_batch_shards", "1");
        Map<String, Integer> times = timesTrained(stack, "no-dedupe", 0);
        assertThat(times.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(UNIQUE + COPIES);
        assertThat(times).containsEntry(unique.get(1).getId(), 2);
    }
}
