package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedPair;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * microBatchShards = 2 splits a pair micro-batch into halves trained on two threads through two sets of autograd
 * leaves over one memory. It must compute the same step as the unsplit batch (up to float rounding), and its bits
 * must not depend on which thread finishes first.
 */
class MicroBatchShardsTest {

    private static final Offset<Double> ROUNDING = Offset.offset(1e-5);

    @TempDir
    java.nio.file.Path dir;
    private int runs;

    /** Final weights as floats plus the per-step losses and one metric, for comparing runs within a tolerance. */
    private record Run(float[] weights, double[] losses, double[] margins, double[] gradNorms, String digest) {
    }

    private Run train(TrainingConfig config, List<List<TokenizedPair>> batches) {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            double[] losses = new double[batches.size()];
            double[] margins = new double[batches.size()];
            double[] gradNorms = new double[batches.size()];
            for (int i = 0; i < batches.size(); i++) {
                StepResult r = trainer.stepPairs(batches.get(i));
                losses[i] = r.loss();
                margins[i] = r.metrics().get("rewards/margins");
                gradNorms[i] = r.gradNorm();
            }
            java.nio.file.Path file = dir.resolve("run-" + runs++ + ".ckpt");
            trainer.saveCheckpoint(file);
            float[] flat = new float[0];
            for (CheckpointFile.Tensor t : CheckpointFile.read(file, java.util.Set.of("policy")).group("policy")
                    .values()) {
                flat = concat(flat, t.values());
            }
            return new Run(flat, losses, margins, gradNorms, trainer.policy().digest());
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<List<TokenizedPair>> batches(int size, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> TinyData.pairs(300 + i, size)).toList();
    }

    @Test
    void twoShardsComputeTheSameStepsAsTheWholeBatch() {
        // Uneven lengths (TinyData) and an odd batch: halves of 3 and 2 pairs, each padded to its own widths.
        TrainingConfig base = TinyData.dpo().maxGradNorm(1.0).weightDecay(0.01).syncRefModel(true)
                .refModelSyncSteps(2).build();
        List<List<TokenizedPair>> data = batches(5, 4);
        Run whole = train(base.toBuilder().microBatchShards(1).build(), data);
        Run sharded = train(base.toBuilder().microBatchShards(2).build(), data);
        for (int i = 0; i < data.size(); i++) {
            assertThat(sharded.losses()[i]).as("loss of step %d", i).isCloseTo(whole.losses()[i], ROUNDING);
            assertThat(sharded.margins()[i]).as("margin of step %d", i).isCloseTo(whole.margins()[i], ROUNDING);
            // AdamW hides a wrongly scaled gradient; the norm before clipping does not.
            assertThat(sharded.gradNorms()[i]).as("gradient norm of step %d", i)
                    .isCloseTo(whole.gradNorms()[i], Offset.offset(1e-5 * whole.gradNorms()[i]));
        }
        assertThat(maxDifference(whole, sharded)).isLessThan(1e-4);
        // ...but they are different computations, so the bits differ (this is why the option is recorded).
        assertThat(sharded.digest()).isNotEqualTo(whole.digest());
    }

    @Test
    void everyPairLossTypeTrainsTheSameStepsSplitOrWhole() {
        List<List<TokenizedPair>> data = batches(4, 3);
        List<TrainingConfig> configs = new java.util.ArrayList<>();
        for (LossType type : LossType.values()) {
            if (type.isPaired()) {
                double eps = switch (type) {
                    case CDPO, ROBUST, EXO_PAIR, AOT, AOT_UNPAIRED -> 0.1;
                    default -> 0;
                };
                configs.add(TinyData.dpo().lossType(type).labelSmoothing(eps).build());
            }
        }
        // Runs recorded before loss semantics: sigmoid with smoothing (cDPO), ipo on summed log-probs.
        configs.add(TinyData.dpo().labelSmoothing(0.2).lossSemantics(null).build());
        configs.add(TinyData.dpo().lossType(LossType.IPO).ipoNormalizeLength(false).lossSemantics(null).build());
        // Combinations (the SFT term's token mean spans both shards) and an f-divergence.
        configs.add(TinyData.dpo().lossType("sigmoid,bco_pair,sft").lossWeights(0.8, 0.2, 1.0).build());
        configs.add(TinyData.dpo().lossType("sft,sigmoid").build());
        configs.add(TinyData.dpo().lossType("ipo,sigmoid_norm").fDivergenceType("alpha_divergence").build());
        configs.add(TinyData.dpo().lossType("sigmoid,aot").build());
        // LD-DPO and WPO take the token-level path (2B rows, per-pair masks and weights).
        configs.add(TinyData.dpo().lossType("sigmoid,robust").labelSmoothing(0.1).ldAlpha(0.5).useWeighting(true)
                .build());
        for (TrainingConfig config : configs) {
            Run whole = train(config.toBuilder().microBatchShards(1).build(), data);
            Run sharded = train(config, data);
            String name = config.lossTypes() + " ls=" + config.labelSmoothing() + " " + config.semantics();
            for (int i = 0; i < data.size(); i++) {
                assertThat(sharded.losses()[i]).as("%s: loss of step %d", name, i)
                        .isCloseTo(whole.losses()[i], ROUNDING);
                assertThat(sharded.gradNorms()[i]).as("%s: gradient norm of step %d", name, i)
                        .isCloseTo(whole.gradNorms()[i], Offset.offset(1e-5 * whole.gradNorms()[i]));
            }
            boolean batchLevel = config.lossTypes().stream()
                    .anyMatch(t -> t == LossType.KTO_PAIR || t == LossType.AOT || t == LossType.AOT_UNPAIRED);
            if (batchLevel) {
                // Batch means (kto_pair) or a sort over the batch (aot): never split, so the bits are one shard's.
                assertThat(sharded.digest()).as(name).isEqualTo(whole.digest());
            } else {
                assertThat(sharded.digest()).as(name).isNotEqualTo(whole.digest());
            }
        }
    }

    @Test
    void shardsOnOneThreadGiveTheBitsOfShardsOnTwo() {
        TrainingConfig config = TinyData.dpo().gradientAccumulationSteps(2).build();
        List<List<TokenizedPair>> data = batches(4, 6);
        Run parallel = train(config, data);
        Run sequential = train(config.toBuilder().parallelReference(false).build(), data);
        assertThat(sequential.digest()).isEqualTo(parallel.digest());
        assertThat(train(config, data).digest()).isEqualTo(parallel.digest());
    }

    @Test
    void accumulationMixesSplitAndSinglePairMicroBatches() {
        // A one-pair micro-batch cannot be split: it trains unsplit, and its gradient meets the split ones.
        TrainingConfig config = TinyData.dpo().gradientAccumulationSteps(3).maxGradNorm(0).build();
        List<List<TokenizedPair>> data = List.of(TinyData.pairs(1, 1), TinyData.pairs(2, 4), TinyData.pairs(3, 1),
                TinyData.pairs(4, 1), TinyData.pairs(5, 1), TinyData.pairs(6, 2));
        Run whole = train(config.toBuilder().microBatchShards(1).build(), data);
        Run sharded = train(config, data);
        // Optimizer steps after micro-batches 3 and 6 (the others report NaN).
        for (int i : new int[] {2, 5}) {
            assertThat(sharded.gradNorms()[i]).as("gradient norm after micro-batch %d", i)
                    .isCloseTo(whole.gradNorms()[i], Offset.offset(1e-5 * whole.gradNorms()[i]));
        }
        assertThat(maxDifference(whole, sharded)).isLessThan(1e-4);
    }

    /** Largest weight difference; AdamW's steps here move weights by ~1e-2 each, rounding stays far below. */
    private static double maxDifference(Run a, Run b) {
        assertThat(b.weights()).hasSameSizeAs(a.weights());
        double max = 0;
        for (int i = 0; i < a.weights().length; i++) {
            max = Math.max(max, Math.abs(a.weights()[i] - b.weights()[i]));
        }
        return max;
    }

    @Test
    void sftShardsComputeTheSameStepsAsTheWholeBatchAndTheSameBitsOnOneThread() {
        TrainingConfig config = TrainingConfig.builder().lossType(LossType.SFT).learningRate(1e-2).seed(5).build();
        List<List<TokenizedExample>> data = java.util.stream.IntStream.range(0, 4).mapToObj(i -> TinyData.pairs(
                400 + i, 5).stream().map(p -> new TokenizedExample(p.id(), p.prompt(), p.chosen())).toList()).toList();
        double[][] whole = sft(config.toBuilder().microBatchShards(1).build(), data);
        double[][] sharded = sft(config, data);
        for (int i = 0; i < data.size(); i++) {
            assertThat(sharded[0][i]).as("loss of step %d", i).isCloseTo(whole[0][i], ROUNDING);
            assertThat(sharded[1][i]).as("gradient norm of step %d", i)
                    .isCloseTo(whole[1][i], Offset.offset(1e-5 * whole[1][i]));
        }
        double[][] sequential = sft(config.toBuilder().parallelReference(false).build(), data);
        assertThat(sequential[2][0]).isEqualTo(sharded[2][0]);
    }

    /** Per step: losses, gradient norms; then [2][0] = the final policy digest's hash, for bitwise comparison. */
    private static double[][] sft(TrainingConfig config, List<List<TokenizedExample>> batches) {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            double[][] out = new double[3][batches.size()];
            for (int i = 0; i < batches.size(); i++) {
                StepResult r = trainer.stepSft(batches.get(i));
                out[0][i] = r.loss();
                out[1][i] = r.gradNorm();
            }
            out[2][0] = trainer.policy().digest().hashCode();
            return out;
        }
    }

    @Test
    void optionIsValidatedAndOldCheckpointsMeanOneShard() throws Exception {
        assertThatThrownBy(() -> TinyData.dpo().microBatchShards(3).build()).hasMessageContaining("microBatchShards");
        assertThatThrownBy(() -> TinyData.dpo().microBatchShards(-1).build())
                .hasMessageContaining("microBatchShards");
        assertThat(TrainingConfig.builder().build().microBatchShards()).isEqualTo(2);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String now = json.writeValueAsString(TrainingConfig.builder().build());
        assertThat(now).contains(",\"microBatchShards\":2");
        String before = now.replace(",\"microBatchShards\":2", "");
        assertThat(json.readValue(before, TrainingConfig.class).microBatchShards()).isEqualTo(1);
        // One shard is written as the option's absence: a replay of an older run writes the same header bytes.
        assertThat(json.writeValueAsString(TrainingConfig.builder().microBatchShards(1).build())).isEqualTo(before);
    }
}
