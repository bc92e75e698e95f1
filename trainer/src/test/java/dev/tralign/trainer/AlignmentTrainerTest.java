package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.reference.ReferenceUpdate;
import dev.tralign.trainer.step.Batch;
import dev.tralign.trainer.step.TrainingDivergedException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlignmentTrainerTest {

    @Test
    void dpoStepsRaiseTheMarginOnTheTrainingPairs() {
        List<TokenizedPair> pairs = TinyData.pairs(1, 8);
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().build())) {
            StepResult first = trainer.stepPairs(pairs);
            StepResult last = first;
            for (int i = 0; i < 15; i++) {
                last = trainer.stepPairs(pairs);
            }
            // Policy == reference at the start: every log-ratio is 0, so the loss is softplus(0) = ln 2.
            assertThat(first.loss()).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(first.metrics().get("rewards/margins")).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(last.loss()).isLessThan(first.loss() - 0.1);
            assertThat(last.metrics().get("rewards/margins")).isGreaterThan(0.2);
            assertThat(last.metrics().get("rewards/accuracies")).isGreaterThan(0.7);
            assertThat(last.step()).isEqualTo(16);
            assertThat(last.gradNorm()).isPositive();
            assertThat(last.tokens()).isPositive();
        }
    }

    /** The loop's explicit sequence (accumulate k, optimizer step, trust region) is train(batch) bit for bit. */
    @Test
    void theExplicitStepIsTheSameAsTrainingOneMicroBatchAtATime() {
        TrainingConfig config = TinyData.dpo().gradientAccumulationSteps(2).syncRefModel(true)
                .refModelMixupAlpha(0.5).refModelSyncSteps(2).build();
        List<List<TokenizedPair>> microBatches = List.of(TinyData.pairs(1, 4), TinyData.pairs(2, 4));
        try (AlignmentTrainer explicit = AlignmentTrainer.create(TinyData.SHAPE, config);
                AlignmentTrainer oneAtATime = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            List<ReferenceUpdate> updates = new java.util.ArrayList<>();
            for (int step = 1; step <= 4; step++) {
                for (List<TokenizedPair> microBatch : microBatches) {
                    assertThat(explicit.optimizerStepDue()).isFalse();
                    explicit.accumulate(Batch.pairs(microBatch));
                }
                OptimizerStep done = explicit.optimizerStep();
                assertThat(done.step()).isEqualTo(step);
                assertThat(done.gradNorm()).isPositive();
                explicit.trustRegion().onOptimizerStep(done.step()).ifPresent(updates::add);

                StepResult first = oneAtATime.stepPairs(microBatches.get(0));
                StepResult second = oneAtATime.stepPairs(microBatches.get(1));
                assertThat(first.gradNorm()).isNaN();
                assertThat(first.referenceUpdate()).isEmpty();
                assertThat(second.gradNorm()).isEqualTo(done.gradNorm());
                assertThat(second.learningRate()).isEqualTo(done.learningRate());
                assertThat(second.referenceUpdate().map(ReferenceUpdate::step))
                        .isEqualTo(step % 2 == 0 ? Optional.of((long) step) : Optional.empty());
            }
            assertThat(updates).extracting(ReferenceUpdate::step).containsExactly(2L, 4L);
            assertThat(explicit.policy().digest()).isEqualTo(oneAtATime.policy().digest());
            assertThat(explicit.referenceDigest()).isEqualTo(oneAtATime.referenceDigest());
        }
    }

    @Test
    void anOptimizerStepNeedsExactlyTheAccumulationCount() {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE,
                TinyData.dpo().gradientAccumulationSteps(2).build())) {
            assertThatThrownBy(trainer::optimizerStep).hasMessageContaining("after 0 of 2 micro-batches");
            trainer.accumulate(Batch.pairs(TinyData.pairs(1, 2)));
            assertThatThrownBy(trainer::optimizerStep).hasMessageContaining("after 1 of 2 micro-batches");
            trainer.accumulate(Batch.pairs(TinyData.pairs(2, 2)));
            assertThatThrownBy(() -> trainer.accumulate(Batch.pairs(TinyData.pairs(3, 2))))
                    .hasMessageContaining("call optimizerStep()");
            assertThat(trainer.optimizerStep().step()).isEqualTo(1);
            assertThat(trainer.step()).isEqualTo(1);
        }
    }

    @Test
    void pairsWithAnEmptyPromptFallBackToRowByRowScoring() {
        List<TokenizedPair> pairs = List.of(new TokenizedPair("e", new int[0], new int[] {1, 2, 3}, new int[] {4, 5}),
                new TokenizedPair("f", new int[] {6}, new int[] {7}, new int[] {8, 9}));
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().build())) {
            StepResult first = trainer.stepPairs(pairs);
            assertThat(first.loss()).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-6));
            for (int i = 0; i < 5; i++) {
                trainer.stepPairs(pairs);
            }
            assertThat(trainer.stepPairs(pairs).metrics().get("rewards/margins")).isPositive();
        }
    }

    @Test
    void outOfVocabularyIdsAreRejectedNamingTheExample() {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().build())) {
            List<TokenizedPair> bad = List.of(new TokenizedPair("bad-pair", new int[] {1}, new int[] {2, 16},
                    new int[] {3}));
            assertThatThrownBy(() -> trainer.stepPairs(bad)).hasMessageContaining("bad-pair")
                    .hasMessageContaining("chosen token 1 is id 16");
            assertThat(trainer.step()).isZero();
            assertThatThrownBy(() -> trainer.policy().sample(List.of(new int[] {-1}), SamplingConfig.greedy(2, -1), 0))
                    .hasMessageContaining("outside the model's vocabulary");
        }
    }

    @Test
    void aDivergedLossThrowsAndLeavesTheStepCountAlone() {
        // Four pairs with the default microBatchShards: the split path (TwoShardsTest covers its gradient cleanup).
        TrainingConfig explosive = TinyData.dpo().learningRate(1e30).maxGradNorm(0).build();
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, explosive)) {
            List<TokenizedPair> pairs = TinyData.pairs(4, 4);
            trainer.stepPairs(pairs);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 5; i++) {
                    trainer.stepPairs(pairs);
                }
            }).isInstanceOf(TrainingDivergedException.class).hasMessageContaining("learningRate");
            long stepAtFailure = trainer.step();
            assertThat(stepAtFailure).isBetween(1L, 5L);
        }
    }

    @Test
    void aStepOnAnotherThreadUsesTheConfiguredIntraOpThreads() throws Exception {
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().build())) {
            int threadsAfterStep = other.submit(() -> {
                // OpenMP keeps the thread count per thread: a fresh thread may start with another value.
                ai.djl.pytorch.jni.JniUtils.setNumThreads(2);
                trainer.stepPairs(TinyData.pairs(1, 2));
                return ai.djl.pytorch.jni.JniUtils.getNumThreads();
            }).get();
            assertThat(threadsAfterStep).isEqualTo(1);
        } finally {
            other.shutdown();
        }
    }

    @Test
    void stepPairsRejectsAnUnpairedLossType() {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE,
                TinyData.dpo().lossType(LossType.KTO).build())) {
            assertThatThrownBy(() -> trainer.stepPairs(TinyData.pairs(1, 2)))
                    .hasMessageContaining("lossType=kto").hasMessageContaining("stepFeedback");
            assertThatThrownBy(() -> trainer.stepFeedback(TinyData.feedback(1, 1, false)))
                    .hasMessageContaining("at least 2");
        }
    }
}
