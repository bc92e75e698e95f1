package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.reference.ReferenceUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerBehaviourTest {

    @TempDir
    Path dir;

    private static String train(TrainingConfig config, int steps) {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            for (int s = 0; s < steps; s++) {
                trainer.stepPairs(TinyData.pairs(100 + s, 4));
            }
            return trainer.policy().digest();
        }
    }

    @Test
    void sameSeedAndDataGiveBitIdenticalParameters() {
        TrainingConfig config = TinyData.dpo().syncRefModel(true).refModelSyncSteps(2).build();
        String first = train(config, 4);
        assertThat(train(config, 4)).isEqualTo(first);
        assertThat(train(config.toBuilder().seed(8).build(), 4)).isNotEqualTo(first);
        // The reference forward on the caller's thread gives the same bits as on the second thread.
        assertThat(train(config.toBuilder().parallelReference(false).build(), 4)).isEqualTo(first);
    }

    @Test
    void twoBackwardThreadsAreDeterministicToo() {
        TrainingConfig config = TinyData.dpo().syncRefModel(true).refModelSyncSteps(2).maxGradNorm(0.5)
                .weightDecay(0.01).backwardThreads(2).build();
        String first = train(config, 4);
        assertThat(train(config, 4)).isEqualTo(first);
        assertThat(train(config.toBuilder().parallelReference(false).build(), 4)).isEqualTo(first);
    }

    @Test
    void hardUpdateCopiesThePostStepPolicyAtStepTauAndNotBefore() {
        TrainingConfig config = TinyData.dpo().syncRefModel(true).refModelMixupAlpha(1.0).refModelSyncSteps(3)
                .build();
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            String initial = trainer.referenceDigest();
            for (int s = 1; s <= 2; s++) {
                StepResult r = trainer.stepPairs(TinyData.pairs(s, 4));
                assertThat(r.referenceUpdate()).isEmpty();
                assertThat(trainer.referenceDigest()).isEqualTo(initial);
                assertThat(trainer.policy().digest()).isNotEqualTo(initial);
            }
            StepResult third = trainer.stepPairs(TinyData.pairs(3, 4));
            ReferenceUpdate update = third.referenceUpdate().orElseThrow();
            assertThat(update.step()).isEqualTo(3);
            assertThat(update.version()).isEqualTo(1);
            assertThat(update.referenceDigest()).isEqualTo(trainer.policy().digest())
                    .isEqualTo(trainer.referenceDigest());
            // Right after a hard update policy == reference, so every log-ratio and the DPO loss restart at ln 2.
            assertThat(trainer.stepPairs(TinyData.pairs(4, 4)).loss()).isCloseTo(Math.log(2), Offset.offset(1e-6));
        }
    }

    @Test
    void resumeFromCheckpointIsBitIdenticalToNeverStopping() throws Exception {
        TrainingConfig config = TinyData.dpo().syncRefModel(true).refModelSyncSteps(2).refModelMixupAlpha(0.5)
                .weightDecay(0.1).warmupSteps(2).lrScheduler("cosine").maxSteps(6).build();
        String straightPolicy;
        String straightReference;
        SavedCheckpoint saved;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            for (int s = 0; s < 3; s++) {
                trainer.stepPairs(TinyData.pairs(100 + s, 4));
            }
            saved = trainer.saveCheckpoint(dir.resolve("ckpt/step-3.ckpt"));
            for (int s = 3; s < 6; s++) {
                trainer.stepPairs(TinyData.pairs(100 + s, 4));
            }
            straightPolicy = trainer.policy().digest();
            straightReference = trainer.referenceDigest();
        }
        assertThat(saved.step()).isEqualTo(3);
        assertThat(saved.sha256()).hasSize(64);
        assertThat(Files.readString(dir.resolve("ckpt/step-3.ckpt.sha256"))).startsWith(saved.sha256());
        try (AlignmentTrainer resumed = AlignmentTrainer.resume(saved.path())) {
            assertThat(resumed.step()).isEqualTo(3);
            assertThat(resumed.config()).isEqualTo(config);
            List<ReferenceUpdate> updates = new ArrayList<>();
            resumed.addReferenceUpdateListener(updates::add);
            for (int s = 3; s < 6; s++) {
                resumed.stepPairs(TinyData.pairs(100 + s, 4));
            }
            assertThat(resumed.policy().digest()).isEqualTo(straightPolicy);
            assertThat(resumed.referenceDigest()).isEqualTo(straightReference);
            // Updates at steps 2 (before the save) and 4, 6: the version counter survives the restart.
            assertThat(updates).extracting(ReferenceUpdate::step).containsExactly(4L, 6L);
            assertThat(updates).extracting(ReferenceUpdate::version).containsExactly(2L, 3L);
        }
    }

    @Test
    void resumeWithAnotherShapeFailsClearlyAndCorruptionIsDetected() throws Exception {
        Path file = dir.resolve("c.ckpt");
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().build())) {
            trainer.stepPairs(TinyData.pairs(1, 2));
            trainer.saveCheckpoint(file);
        }
        ModelConfig other = new ModelConfig(16, 32, 1, 2, 16);
        assertThatThrownBy(() -> AlignmentTrainer.resume(file, other))
                .hasMessageContaining("holds model shape").hasMessageContaining("embedDim=32");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> AlignmentTrainer.resume(file)).hasMessageContaining("corrupt");
    }

    @Test
    void policyLoadedFromCheckpointScoresLikeTheLivePolicy() {
        Path file = dir.resolve("p.ckpt");
        List<TokenizedExample> examples = List.of(new TokenizedExample("a", new int[] {1, 2}, new int[] {3, 4, 5}),
                new TokenizedExample("b", new int[] {6}, new int[] {7}));
        double[] live;
        double[][] liveTokens;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().build())) {
            trainer.stepPairs(TinyData.pairs(3, 4));
            trainer.saveCheckpoint(file);
            live = trainer.policy().completionLogProbs(examples);
            liveTokens = trainer.policy().tokenLogProbs(examples);
        }
        try (Policy loaded = Policy.load(file); Policy reference = Policy.loadReference(file)) {
            assertThat(loaded.config()).isEqualTo(TinyData.SHAPE);
            // No trust region here: the reference is still the initial model, the policy has moved.
            try (AlignmentTrainer fresh = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().build())) {
                assertThat(reference.digest()).isEqualTo(fresh.policy().digest()).isNotEqualTo(loaded.digest());
            }
            assertThat(loaded.completionLogProbs(examples)).containsExactly(live);
            assertThat(liveTokens[0]).hasSize(3);
            assertThat(liveTokens[1]).hasSize(1);
            assertThat(liveTokens[0][0] + liveTokens[0][1] + liveTokens[0][2]).isCloseTo(live[0], Offset.offset(1e-5));
            assertThat(live[0]).isNegative();
        }
    }

    @Test
    void fromPolicyCheckpointStartsPolicyAndReferenceAtTheSftWeights() {
        Path sft = dir.resolve("sft.ckpt");
        String sftDigest;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE,
                TrainingConfig.builder().lossType(LossType.SFT).learningRate(1e-2).build())) {
            trainer.stepSft(List.of(new TokenizedExample("x", new int[] {1}, new int[] {2, 3})));
            trainer.saveCheckpoint(sft);
            sftDigest = trainer.policy().digest();
        }
        try (AlignmentTrainer dpo = AlignmentTrainer.fromPolicyCheckpoint(sft, TinyData.dpo().build())) {
            assertThat(dpo.policy().digest()).isEqualTo(sftDigest);
            assertThat(dpo.referenceDigest()).isEqualTo(sftDigest);
            assertThat(dpo.step()).isZero();
            StepResult first = dpo.stepPairs(TinyData.pairs(5, 4));
            assertThat(first.loss()).isCloseTo(Math.log(2), Offset.offset(1e-6));
        }
    }

    @Test
    void sftLearnsAMappingThatGreedySamplingReproduces() {
        int eos = 15;
        List<TokenizedExample> data = List.of(
                new TokenizedExample("a", new int[] {1, 2}, new int[] {5, 6, 7, eos}),
                new TokenizedExample("b", new int[] {3, 4}, new int[] {9, 8, eos}));
        TrainingConfig config = TrainingConfig.builder().lossType(LossType.SFT).learningRate(3e-2).seed(3).build();
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            double[] freshEntropy = trainer.policy().meanTokenEntropy(data);
            double first = trainer.stepSft(data).loss();
            double last = first;
            for (int i = 0; i < 60; i++) {
                last = trainer.stepSft(data).loss();
            }
            assertThat(first).isCloseTo(Math.log(16), Offset.offset(0.3));
            assertThat(freshEntropy[1]).isCloseTo(Math.log(16), Offset.offset(0.2));
            assertThat(last).isLessThan(0.1);
            double[] entropy = trainer.policy().meanTokenEntropy(data);
            assertThat(entropy[0]).isLessThan(0.5);
            int[][] greedy = trainer.policy().sample(List.of(new int[] {1, 2}, new int[] {3, 4}),
                    SamplingConfig.greedy(8, eos), 0);
            assertThat(greedy[0]).containsExactly(5, 6, 7, eos);
            assertThat(greedy[1]).containsExactly(9, 8, eos);
        }
    }

    @Test
    void samplingIsSeededPerRowAndRespectsLimits() {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().build())) {
            Policy policy = trainer.policy();
            SamplingConfig cfg = new SamplingConfig(1.0, 0, 1.0, 6, -1);
            List<int[]> prompts = List.of(new int[] {1, 2, 3}, new int[] {4});
            int[][] a = policy.sample(prompts, cfg, 11);
            int[][] b = policy.sample(prompts, cfg, 11);
            assertThat(a).isDeepEqualTo(b);
            assertThat(a[0]).hasSize(6);
            // Row 0's draw does not depend on the other rows of the batch.
            assertThat(policy.sample(List.of(new int[] {1, 2, 3}), cfg, 11)[0]).containsExactly(a[0]);
            int[][] other = policy.sample(prompts, cfg, 12);
            assertThat(java.util.Arrays.deepEquals(other, a)).isFalse();
            // Prompt at maxSeqLen: it is left-truncated and generation stops at the window.
            int[][] full = policy.sample(List.of(new int[20]), cfg, 1);
            assertThat(full[0]).hasSize(1);
        }
    }

    @Test
    void ktoStepTrainsOnUnpairedFeedbackAndReportsKl() {
        TrainingConfig config = TinyData.dpo().lossType(LossType.KTO).build();
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            List<TokenizedFeedback> batch = TinyData.feedback(2, 6, false);
            StepResult first = trainer.stepFeedback(batch);
            // At the start r = z = 0, so each loss is 1 - sigmoid(0) = 0.5.
            assertThat(first.loss()).isCloseTo(0.5, Offset.offset(1e-6));
            assertThat(first.metrics()).containsKeys("kl", "rewards/chosen", "rewards/rejected", "logps/chosen");
            StepResult last = first;
            for (int i = 0; i < 10; i++) {
                last = trainer.stepFeedback(batch);
            }
            assertThat(last.loss()).isLessThan(first.loss());
            assertThat(last.metrics().get("rewards/margins")).isPositive();
            StepResult allGood = trainer.stepFeedback(TinyData.feedback(3, 4, true));
            assertThat(allGood.metrics()).containsKey("rewards/chosen").doesNotContainKey("rewards/rejected");
        }
    }

    @Test
    void gradientAccumulationStepsOnceEveryKMicroBatches() {
        TrainingConfig config = TinyData.dpo().gradientAccumulationSteps(2).build();
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            StepResult first = trainer.stepPairs(TinyData.pairs(1, 2));
            assertThat(first.step()).isZero();
            assertThat(first.gradNorm()).isNaN();
            assertThat(first.metrics().get("optimizer_step")).isZero();
            Path file = dir.resolve("mid.ckpt");
            assertThatThrownBy(() -> trainer.saveCheckpoint(file)).hasMessageContaining("accumulated");
            StepResult second = trainer.stepPairs(TinyData.pairs(2, 2));
            assertThat(second.step()).isEqualTo(1);
            assertThat(second.gradNorm()).isPositive();
        }
    }

    @Test
    void accumulatingTwoHalvesMatchesOneFullBatchOfEqualHalves() {
        // The mean of two micro-batch means equals the full-batch mean when halves are the same size.
        List<TokenizedPair> all = TinyData.pairs(9, 4);
        String accumulated;
        try (AlignmentTrainer t = AlignmentTrainer.create(TinyData.SHAPE,
                TinyData.dpo().gradientAccumulationSteps(2).maxGradNorm(0).build())) {
            t.stepPairs(all.subList(0, 2));
            t.stepPairs(all.subList(2, 4));
            accumulated = t.policy().completionLogProbs(List.of(new TokenizedExample("e", new int[] {1},
                    new int[] {2, 3})))[0] + "";
        }
        try (AlignmentTrainer t = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().maxGradNorm(0).build())) {
            t.stepPairs(all);
            double full = t.policy().completionLogProbs(List.of(new TokenizedExample("e", new int[] {1},
                    new int[] {2, 3})))[0];
            assertThat(Double.parseDouble(accumulated)).isCloseTo(full, Offset.offset(1e-4));
        }
    }
}
