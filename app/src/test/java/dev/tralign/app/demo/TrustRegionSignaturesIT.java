package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The trust-region failure signatures of issue #20 on full runs of the synthetic world (trainer, evaluator and guard
 * over the embedded broker), not fed by hand: a high learning rate makes both TR-DPO variants over-optimize within
 * 300 steps. The soft run (alpha 0.6 every 4 steps) has a KL that swings up and down (KL_OSCILLATION); the hard run
 * (a copy every 130 steps) loses win rate across a hard update (REFERENCE_UPDATE_DROP, a paired test on the same
 * prompts); both keep an early champion while their later checkpoints cross the KL budget. Training, sampling and
 * judging are seeded and the alerts are functions of the topics, so the same alerts come every time. The runs are
 * chaotic at this learning rate: the tests' MKL_CBWR=COMPATIBLE (the build sets it) keeps their arithmetic, and so
 * their alerts, the same on every processor; under the demo's default AUTO other signatures fire at other steps.
 *
 * <p>Reproduce on the command line: {@code ./tralign demo --methods tr-dpo-soft,tr-dpo-hard --steps 300 --pairs 300
 * --batch 8 --checkpoint-every 20 --eval-prompts 64 --lr 2e-3 --soft-tau 4 --hard-tau 130 --sft-steps 150} with
 * {@code MKL_CBWR=COMPATIBLE} set.
 */
@ExtendWith(EmbeddedStackExtension.class)
class TrustRegionSignaturesIT {

    private static final double BUDGET = 20.0;
    private static final int HARD_TAU = 130;

    @Test
    void softRunsKlOscillatesHardRunDropsAcrossAnUpdateAndEarlyChampionsAreKept(EmbeddedStack stack)
            throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "tr-signatures-it");
        try (Topics topics = Topics.create(stack.registryUrl())) {
            stack.createTopics(topics);
        }
        DemoSettings settings = new DemoSettings(work, stack.bootstrapServers(), stack.registryUrl(), 1,
                List.of("tr-dpo-soft", "tr-dpo-hard"), 300, 300, 8, 20, 64, 0.02, 2e-3, 4, HARD_TAU, 0, 150)
                .withGuard(new DemoSettings.Guard(BUDGET, List.of()));
        List<String> lines = new ArrayList<>();
        DemoResult result = new DemoRunner(settings, lines::add).run();
        lines.forEach(System.out::println);
        String printed = String.join("\n", lines);

        DemoResult.Row soft = row(result, "tr-dpo-soft");
        DemoResult.Row hard = row(result, "tr-dpo-hard");
        assertThat(soft.last().getStep()).as("the runs are not stopped (warn policies)").isEqualTo(300);
        assertThat(hard.last().getStep()).isEqualTo(300);

        // Soft: the KL trend changes direction at least sign_changes times with moves of at least the amplitude.
        Alert oscillation = first(result, soft, AlertKind.KL_OSCILLATION, printed);
        assertThat(oscillation.getEvidence().get("sign_changes")).isGreaterThanOrEqualTo(3.0);
        assertThat(oscillation.getEvidence().get("largest_move"))
                .isGreaterThanOrEqualTo(oscillation.getEvidence().get("amplitude"));
        assertThat(oscillation.getEvidence().get("kl_high") - oscillation.getEvidence().get("kl_low"))
                .isGreaterThan(oscillation.getEvidence().get("amplitude"));

        // Hard: a significant paired drop between two checkpoints with a hard update (alpha 1) strictly inside.
        Alert drop = first(result, hard, AlertKind.REFERENCE_UPDATE_DROP, printed);
        long before = drop.getEvidence().get("before_step").longValue();
        long after = drop.getEvidence().get("after_step").longValue();
        assertThat(drop.getEvidence().get("alpha")).isEqualTo(1.0);
        assertThat(drop.getEvidence().get("ci_high")).isNegative();
        assertThat(drop.getEvidence().get("paired_prompts")).isEqualTo(64.0);
        // An update at step u (after u's optimizer step) separates the checkpoints at or before u from those after.
        long update = (before + HARD_TAU - 1) / HARD_TAU * HARD_TAU;
        assertThat(update).as("a hard update at a multiple of tau in [before, after)").isLessThan(after);

        // Both: the champion came early, inside the budget, and is kept while later checkpoints drift over it: no
        // promotion at or after the crossing, and the last checkpoint no better than the champion.
        for (DemoResult.Row run : List.of(soft, hard)) {
            Alert overBudget = first(result, run, AlertKind.KL_BUDGET, printed);
            ModelPromotion champion = result.champion(run.runId()).orElseThrow();
            assertThat(result.promotions()).filteredOn(p -> p.getRunId().equals(run.runId()))
                    .allSatisfy(p -> assertThat(p.getStep()).isLessThan(overBudget.getStep()));
            assertThat(champion.getEvidence().get("kl_to_sft")).isLessThan(BUDGET);
            assertThat(champion.getEvidence().get("p_value")).isLessThan(0.05);
            assertThat(run.last().getWinRate()).isLessThanOrEqualTo(champion.getEvidence().get("win_rate"));
            assertThat(run.last().getKlToSft()).isGreaterThan(BUDGET);
        }
        System.out.printf("soft: KL_OSCILLATION at %d; hard: drop %d -> %d across the update at %d%n",
                oscillation.getStep(), before, after, update);
        assertThat(result.table()).contains("champion").contains("alerts");
    }

    private static DemoResult.Row row(DemoResult result, String method) {
        return result.rows().stream().filter(r -> r.method().equals(method)).findFirst().orElseThrow();
    }

    private static Alert first(DemoResult result, DemoResult.Row run, AlertKind kind, String printed) {
        return result.alerts().stream().filter(a -> a.getRunId().equals(run.runId()) && a.getKind() == kind)
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " for " + run.method() + ":\n"
                        + printed));
    }
}
