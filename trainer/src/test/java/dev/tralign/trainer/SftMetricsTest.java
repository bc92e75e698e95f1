package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedPair;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sft/rewards/... are the implicit rewards against the frozen starting policy: equal to the plain rewards until the
 * reference first moves, then measured against the same model for the whole run, and carried through checkpoints.
 */
class SftMetricsTest {

    private static final double BETA = 0.5;

    @TempDir
    Path dir;

    private static TrainingConfig.Builder trDpo(int sftEvery, int shards) {
        // Soft update every step: from step 2 on, the reference is no longer the SFT model.
        return TinyData.dpo().beta(BETA).syncRefModel(true).refModelMixupAlpha(0.5).refModelSyncSteps(1)
                .sftMetricsEverySteps(sftEvery).microBatchShards(shards);
    }

    private static List<TokenizedPair> batch(int i) {
        return TinyData.pairs(100 + i, 6);
    }

    @Test
    void rewardsAgainstSftFollowTheFrozenStartingPolicyWhileTheReferenceMoves() {
        List<TokenizedExample> chosen = examples(batch(3), true);
        List<TokenizedExample> rejected = examples(batch(3), false);
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, trDpo(1, 1).build())) {
            double[] sftChosen;
            double[] sftRejected;
            try (Policy start = trainer.policy()) {
                sftChosen = start.completionLogProbs(chosen);
                sftRejected = start.completionLogProbs(rejected);
            }
            Map<String, Double> first = trainer.stepPairs(batch(0)).metrics();
            // Before any update the reference is the SFT model: the same rewards, computed two ways.
            for (String name : List.of("chosen", "rejected", "margins", "accuracies")) {
                assertThat(first.get("sft/rewards/" + name)).as(name)
                        .isCloseTo(first.get("rewards/" + name), Offset.offset(1e-5));
            }
            trainer.stepPairs(batch(1));
            trainer.stepPairs(batch(2));
            double[] policyChosen;
            double[] policyRejected;
            try (Policy now = trainer.policy()) {
                policyChosen = now.completionLogProbs(chosen);
                policyRejected = now.completionLogProbs(rejected);
            }
            // The step's metrics are measured before its own optimizer update, i.e. with the weights scored above.
            Map<String, Double> fourth = trainer.stepPairs(batch(3)).metrics();
            assertThat(fourth.get("sft/rewards/chosen"))
                    .isCloseTo(BETA * meanDifference(policyChosen, sftChosen), Offset.offset(1e-4));
            assertThat(fourth.get("sft/rewards/rejected"))
                    .isCloseTo(BETA * meanDifference(policyRejected, sftRejected), Offset.offset(1e-4));
            // ...while the plain rewards are against a reference that has moved three times.
            assertThat(Math.abs(fourth.get("rewards/chosen") - fourth.get("sft/rewards/chosen"))).isGreaterThan(1e-3);
        }
    }

    @Test
    void onlyDueStepsReportThemAndTheTwoShardPathAgrees() {
        Map<String, Double>[] one = run(trDpo(2, 1).build(), 4);
        Map<String, Double>[] two = run(trDpo(2, 2).build(), 4);
        assertThat(one[0]).doesNotContainKey("sft/rewards/chosen");
        assertThat(one[2]).doesNotContainKey("sft/rewards/chosen");
        for (int step : new int[] {1, 3}) {
            for (String name : List.of("chosen", "rejected", "margins")) {
                assertThat(two[step].get("sft/rewards/" + name)).as("step %d %s", step + 1, name)
                        .isCloseTo(one[step].get("sft/rewards/" + name), Offset.offset(1e-4));
            }
        }
    }

    @Test
    void aFixedReferenceIsTheSftModelSoNoCopyIsKept() {
        TrainingConfig dpo = TinyData.dpo().beta(BETA).sftMetricsEverySteps(1).build();
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, dpo)) {
            trainer.stepPairs(batch(0));
            Map<String, Double> m = trainer.stepPairs(batch(1)).metrics();
            assertThat(m.get("sft/rewards/margins")).isCloseTo(m.get("rewards/margins"), Offset.offset(1e-5));
            Path file = dir.resolve("dpo.ckpt");
            trainer.saveCheckpoint(file);
            assertThat(CheckpointFile.read(file, Set.of("sft")).groups()).doesNotContainKey("sft");
        }
    }

    @Test
    void aResumedRunMeasuresAgainstTheSameSftWeights() {
        Path file = dir.resolve("tr.ckpt");
        Map<String, Double> uninterrupted;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, trDpo(1, 1).build())) {
            trainer.stepPairs(batch(0));
            trainer.stepPairs(batch(1));
            trainer.saveCheckpoint(file);
            uninterrupted = trainer.stepPairs(batch(2)).metrics();
        }
        assertThat(CheckpointFile.read(file, Set.of("sft")).groups()).containsKey("sft");
        try (AlignmentTrainer resumed = AlignmentTrainer.resume(file)) {
            Map<String, Double> after = resumed.stepPairs(batch(2)).metrics();
            assertThat(after.get("sft/rewards/chosen")).isEqualTo(uninterrupted.get("sft/rewards/chosen"));
            assertThat(after.get("sft/rewards/rejected")).isEqualTo(uninterrupted.get("sft/rewards/rejected"));
        }
    }

    @Test
    void ktoReportsRewardsAndItsKlPointAgainstTheSftModel() {
        TrainingConfig kto = TrainingConfig.builder().lossType(dev.tralign.trainer.config.LossType.KTO)
                .learningRate(1e-2).beta(BETA).seed(7).syncRefModel(true).refModelMixupAlpha(0.5)
                .refModelSyncSteps(1).sftMetricsEverySteps(1).build();
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, kto)) {
            Map<String, Double> first = trainer.stepFeedback(TinyData.feedback(3, 6, false)).metrics();
            for (String name : List.of("rewards/chosen", "rewards/rejected", "rewards/margins", "kl")) {
                assertThat(first.get("sft/" + name)).as(name).isCloseTo(first.get(name), Offset.offset(1e-5));
            }
            trainer.stepFeedback(TinyData.feedback(4, 6, false));
            Map<String, Double> third = trainer.stepFeedback(TinyData.feedback(5, 6, false)).metrics();
            assertThat(third.get("sft/kl")).isGreaterThanOrEqualTo(0.0);
            assertThat(Math.abs(third.get("sft/rewards/chosen") - third.get("rewards/chosen"))).isGreaterThan(1e-3);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double>[] run(TrainingConfig config, int steps) {
        Map<String, Double>[] out = new Map[steps];
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            for (int i = 0; i < steps; i++) {
                out[i] = trainer.stepPairs(batch(i)).metrics();
            }
        }
        return out;
    }

    private static List<TokenizedExample> examples(List<TokenizedPair> pairs, boolean chosen) {
        return pairs.stream().map(p -> new TokenizedExample(p.id(), p.prompt(), chosen ? p.chosen() : p.rejected()))
                .toList();
    }

    private static double meanDifference(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] - b[i];
        }
        return sum / a.length;
    }
}
