package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.source.MixPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** input.mix on the real broker: batch composition from offsets, resume mid-epoch, bit-identical replay. */
@ExtendWith(EmbeddedStackExtension.class)
class InputMixIT {

    @Test
    void mixedRunTakesSevenOfflineAndThreeOnlinePerTenRecordsResumesThePatternAndReplaysBitIdentically(
            EmbeddedStack stack) throws Exception {
        String prefix = "mixed.";
        Topics topics = PreferenceData.topics(stack, prefix, 2);
        List<PreferencePair> offline = PreferenceData.pairs(28, 5);
        List<PreferencePair> online = PreferenceData.pairs(12, 9);
        PreferenceData.write(stack, topics.preferences(), offline, 2, List.of());
        PreferenceData.write(stack, topics.preferencesOnline(), online, 2, List.of());
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ckpt");
        Map<String, String> settings = PreferenceData.settings(stack, prefix, "mixed-a", dir);
        settings.put("input.topics", prefix + "preferences," + prefix + "preferences.online");
        settings.put("input.mix", "0.7,0.3");
        // Five records per step, so a stop after step 3 lands mid-pattern (the 0.7/0.3 pattern repeats every 10).
        settings.put("batch_size", "5");
        settings.put("epochs", "2");

        // Stopped after step 3 (mid-epoch), then started again: the resumed run must continue the mix pattern.
        RunSummary first;
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            service.addProgressListener(step -> {
                if (step.step() == 3) {
                    service.stop();
                }
            });
            first = service.run();
        }
        assertThat(first.completed()).isFalse();
        assertThat(first.steps()).isEqualTo(3);
        CheckpointEvent stopped = first.checkpoints().get(first.checkpoints().size() - 1);
        assertThat(stopped.getMetadata()).containsEntry("end", "stopped")
                .containsEntry(MixPlan.METADATA_KEY, prefix + "preferences=11;" + prefix + "preferences.online=4");
        RunSummary rest;
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            rest = service.run();
        }
        assertThat(rest.completed()).isTrue();
        assertThat(rest.resumedFromStep()).isEqualTo(3);
        assertThat(rest.steps()).isEqualTo(16);

        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        List<LedgerEntry> ledger = PreferenceData.ledger(stack, prefix, "mixed-a");
        List<String> trained = new ArrayList<>();
        ledger.forEach(e -> trained.addAll(e.ids()));
        // Each topic in (offset, partition) order = list order (written round-robin); mixed by the pure plan.
        List<String> epoch = MixPlan.interleave(List.of(0.7, 0.3), List.of(ids(offline), ids(online)));
        List<String> expected = new ArrayList<>(epoch);
        expected.addAll(epoch);
        assertThat(trained).containsExactlyElementsOf(expected);
        assertThat(ledger).hasSize(16);
        for (int pairOfSteps = 0; pairOfSteps < 8; pairOfSteps++) {
            List<String> origins = new ArrayList<>(ledger.get(2 * pairOfSteps).origins());
            origins.addAll(ledger.get(2 * pairOfSteps + 1).origins());
            assertThat(origins).hasSize(10);
            assertThat(origins.stream().filter(o -> o.startsWith(prefix + "preferences.online/")).count())
                    .as("online records in steps %d and %d", 2 * pairOfSteps + 1, 2 * pairOfSteps + 2).isEqualTo(3);
        }

        Map<String, String> connection = Map.of("bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.registryUrl(), "topic.prefix", prefix, "checkpoint.dir", dir.toString());
        ReplayReport report = Replay.run(connection, "mixed-a", "mixed-a-replay");
        List<LedgerEntry> replayed = PreferenceData.ledger(stack, prefix, "mixed-a-replay");
        assertThat(replayed).extracting(LedgerEntry::origins)
                .containsExactlyElementsOf(ledger.stream().map(LedgerEntry::origins).toList());
        assertThat(report.checkpoints()).extracting(CheckpointComparison::step).containsExactly(3L, 6L, 9L, 12L, 15L, 16L);
        assertThat(report.allMatch()).as(report.toText()).isTrue();
        topics.close();
    }

    private static List<String> ids(List<PreferencePair> pairs) {
        return pairs.stream().map(PreferencePair::getId).toList();
    }
}
