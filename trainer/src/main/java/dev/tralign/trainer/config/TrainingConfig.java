package dev.tralign.trainer.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tralign.trainer.optim.LrScheduler;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that shapes a training run, with TRL's names and defaults; build with {@link #builder()}.
 * {@link Builder#build()} validates every value and rejects incompatible combinations with a message naming the
 * option and the fix.
 *
 * @param lossType sigmoid | ipo | hinge | kto | kto_pair | sft
 * @param beta inverse temperature of the implicit reward (TRL beta, default 0.1)
 * @param labelSmoothing cDPO label-flip probability in [0, 0.5], sigmoid loss only (default 0)
 * @param ipoNormalizeLength IPO on per-token (true, TRL) or summed (false) log-probs
 * @param desirableWeight KTO lambda_D (default 1)
 * @param undesirableWeight KTO lambda_U (default 1)
 * @param syncRefModel move the reference (trust region, TR-DPO/IPO/KTO); default false (frozen reference)
 * @param refModelMixupAlpha alpha in ref &lt;- alpha*theta + (1-alpha)*ref; 1 = hard copy (default 0.6)
 * @param refModelSyncSteps tau: update every tau optimizer steps (default 512)
 * @param learningRate peak learning rate
 * @param weightDecay AdamW decoupled weight decay (not applied to biases and LayerNorm weights)
 * @param adamBeta1 AdamW beta1 (0.9)
 * @param adamBeta2 AdamW beta2 (0.999)
 * @param adamEpsilon AdamW epsilon (1e-8)
 * @param warmupSteps linear warmup from 0 over this many optimizer steps
 * @param lrScheduler constant | linear | cosine after warmup
 * @param maxGradNorm global-norm gradient clipping threshold; 0 disables
 * @param gradientAccumulationSteps micro-batches per optimizer step
 * @param maxSteps planned optimizer steps (schedule length, TR warning); 0 = unknown (streaming)
 * @param seed initialisation seed
 * @param intraOpThreads libtorch intra-op threads (1 is fastest on small models; the trainer overlaps the policy
 *     and reference forwards on two threads instead)
 * @param parallelReference use a second thread (default true): for the second shard of a pair micro-batch (see
 *     {@code microBatchShards}), else for the reference forward (and KTO's no-grad forwards) while the policy
 *     trains. Faster with a free core, slower when other processes keep the cores busy. Results are bit-identical
 *     either way
 * @param backwardThreads libtorch intra-op threads for the backward pass and the optimizer step, which run while
 *     the reference thread is idle (default 1). Results are deterministic for a fixed value but depend on it
 *     (docs/trainer.md). 0 in the constructor means "absent" (checkpoints written before the option) and becomes 1.
 *     Micro-batches split in two shards back-propagate with {@code intraOpThreads} on each thread instead (both
 *     cores are busy then); the optimizer step still uses this value
 * @param microBatchShards 1 or 2 (default 2): with 2, a micro-batch of preference pairs (every loss but kto_pair)
 *     or of SFT examples is split in halves, each (pairs: scored against the reference,) run forward and
 *     back-propagated as its own graph (the second on the second thread, into its own gradient buffers over the
 *     same weights); the gradients are summed in shard order.
 *     Same loss up to float rounding, and the whole step uses both cores instead of the reference forward
 *     alone. Deterministic for a fixed value, but 1 and 2 give different bits. 0 in the constructor means
 *     "absent" (checkpoints written before the option) and becomes 1, so older runs resume and replay unchanged.
 *     CPU only: on a GPU micro-batches stay whole (the shards exist to use a second core)
 * @param device "cpu" or "gpu" (passed to DJL's Device)
 */
public record TrainingConfig(LossType lossType, double beta, double labelSmoothing, boolean ipoNormalizeLength,
        double desirableWeight, double undesirableWeight, boolean syncRefModel, double refModelMixupAlpha,
        int refModelSyncSteps, double learningRate, double weightDecay, double adamBeta1, double adamBeta2,
        double adamEpsilon, int warmupSteps, LrScheduler lrScheduler, double maxGradNorm,
        int gradientAccumulationSteps, long maxSteps, long seed, int intraOpThreads, boolean parallelReference,
        int backwardThreads,
        // Left out of checkpoint headers at 1, so a replay of a run recorded before the option writes the same bytes.
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainingConfig.LeftOutAtOne.class)
        int microBatchShards, String device) {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingConfig.class);

    /** Jackson value filter: a value equal to this (the number 1) is left out of the JSON. */
    public static final class LeftOutAtOne {
        @Override
        public boolean equals(Object value) {
            return Integer.valueOf(1).equals(value);
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    public TrainingConfig {
        if (lossType == null) {
            throw new IllegalArgumentException("lossType is required: one of sigmoid|ipo|hinge|kto|kto_pair|sft");
        }
        if (lrScheduler == null) {
            throw new IllegalArgumentException("lrScheduler is required: one of constant|linear|cosine");
        }
        requireFinite("beta", beta);
        if (beta <= 0) {
            throw new IllegalArgumentException("beta must be > 0, got " + beta + " (TRL default 0.1)");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 0.5)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 0.5], got " + labelSmoothing);
        }
        if (labelSmoothing > 0 && lossType != LossType.SIGMOID) {
            throw new IllegalArgumentException("labelSmoothing (cDPO) only applies to lossType=sigmoid, got lossType="
                    + lossType.trlName() + ": set labelSmoothing to 0 or lossType to sigmoid");
        }
        if (!(desirableWeight > 0) || !(undesirableWeight > 0) || Double.isInfinite(desirableWeight)
                || Double.isInfinite(undesirableWeight)) {
            throw new IllegalArgumentException("desirableWeight and undesirableWeight must be finite and > 0, got "
                    + desirableWeight + " and " + undesirableWeight);
        }
        if (!(refModelMixupAlpha > 0 && refModelMixupAlpha <= 1)) {
            throw new IllegalArgumentException("refModelMixupAlpha must be in (0, 1] (1 = hard copy), got "
                    + refModelMixupAlpha);
        }
        if (refModelSyncSteps < 1) {
            throw new IllegalArgumentException("refModelSyncSteps (tau) must be >= 1, got " + refModelSyncSteps);
        }
        if (syncRefModel && lossType == LossType.SFT) {
            throw new IllegalArgumentException("syncRefModel has no effect with lossType=sft (no reference): "
                    + "set syncRefModel=false or pick a preference loss");
        }
        requireFinite("learningRate", learningRate);
        if (learningRate < 0) {
            throw new IllegalArgumentException("learningRate must be >= 0, got " + learningRate);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
        if (!(adamBeta1 >= 0 && adamBeta1 < 1) || !(adamBeta2 >= 0 && adamBeta2 < 1)) {
            throw new IllegalArgumentException("adamBeta1 and adamBeta2 must be in [0, 1), got " + adamBeta1 + ", "
                    + adamBeta2);
        }
        if (!(adamEpsilon > 0)) {
            throw new IllegalArgumentException("adamEpsilon must be > 0, got " + adamEpsilon);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("maxGradNorm must be >= 0 (0 disables clipping), got " + maxGradNorm);
        }
        if (gradientAccumulationSteps < 1) {
            throw new IllegalArgumentException("gradientAccumulationSteps must be >= 1, got "
                    + gradientAccumulationSteps);
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be >= 0 (0 = unknown), got " + maxSteps);
        }
        if (lrScheduler != LrScheduler.CONSTANT && maxSteps == 0) {
            throw new IllegalArgumentException("lrScheduler=" + lrScheduler.name().toLowerCase(Locale.ROOT)
                    + " needs maxSteps > 0 (the decay length): set maxSteps or use lrScheduler=constant");
        }
        if (maxSteps > 0 && warmupSteps > maxSteps) {
            throw new IllegalArgumentException("warmupSteps (" + warmupSteps + ") exceeds maxSteps (" + maxSteps
                    + "): lower warmupSteps");
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        if (backwardThreads == 0) {
            backwardThreads = 1;    // absent from checkpoints written before the option existed
        }
        if (backwardThreads < 1) {
            throw new IllegalArgumentException("backwardThreads must be >= 1, got " + backwardThreads);
        }
        if (microBatchShards == 0) {
            microBatchShards = 1;    // absent from checkpoints written before the option existed
        }
        if (microBatchShards < 1 || microBatchShards > 2) {
            throw new IllegalArgumentException("microBatchShards must be 1 or 2, got " + microBatchShards);
        }
        if (device == null || !(device.equals("cpu") || device.startsWith("gpu"))) {
            throw new IllegalArgumentException("device must be 'cpu' or 'gpu' (or 'gpu1', ...), got '" + device + "'");
        }
    }

    /** Builder with TRL defaults (sigmoid, beta 0.1, lr 1e-6 ... see each setter). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this config's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * True when TR is on but would never fire within {@code maxSteps}; logs the warning TRL users expect.
     */
    public boolean warnIfSyncNeverFires() {
        if (syncRefModel && maxSteps > 0 && refModelSyncSteps > maxSteps) {
            LOG.warn("refModelSyncSteps ({}) exceeds maxSteps ({}): the reference would never be updated; "
                    + "lower refModelSyncSteps to enable the trust region", refModelSyncSteps, maxSteps);
            return true;
        }
        return false;
    }

    private static void requireFinite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + v);
        }
    }

    /** Optional values with TRL/Hugging Face defaults; {@link #build()} validates. */
    public static final class Builder {
        private LossType lossType = LossType.SIGMOID;
        private double beta = 0.1;
        private double labelSmoothing = 0;
        private boolean ipoNormalizeLength = true;
        private double desirableWeight = 1;
        private double undesirableWeight = 1;
        private boolean syncRefModel = false;
        private double refModelMixupAlpha = 0.6;
        private int refModelSyncSteps = 512;
        private double learningRate = 1e-6;
        private double weightDecay = 0;
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.999;
        private double adamEpsilon = 1e-8;
        private int warmupSteps = 0;
        private LrScheduler lrScheduler = LrScheduler.CONSTANT;
        private double maxGradNorm = 1.0;
        private int gradientAccumulationSteps = 1;
        private long maxSteps = 0;
        private long seed = 42;
        private int intraOpThreads = 1;
        private boolean parallelReference = true;
        private int backwardThreads = 1;
        private int microBatchShards = 2;
        private String device = "cpu";

        private Builder() {
        }

        private Builder(TrainingConfig c) {
            lossType = c.lossType;
            beta = c.beta;
            labelSmoothing = c.labelSmoothing;
            ipoNormalizeLength = c.ipoNormalizeLength;
            desirableWeight = c.desirableWeight;
            undesirableWeight = c.undesirableWeight;
            syncRefModel = c.syncRefModel;
            refModelMixupAlpha = c.refModelMixupAlpha;
            refModelSyncSteps = c.refModelSyncSteps;
            learningRate = c.learningRate;
            weightDecay = c.weightDecay;
            adamBeta1 = c.adamBeta1;
            adamBeta2 = c.adamBeta2;
            adamEpsilon = c.adamEpsilon;
            warmupSteps = c.warmupSteps;
            lrScheduler = c.lrScheduler;
            maxGradNorm = c.maxGradNorm;
            gradientAccumulationSteps = c.gradientAccumulationSteps;
            maxSteps = c.maxSteps;
            seed = c.seed;
            intraOpThreads = c.intraOpThreads;
            parallelReference = c.parallelReference;
            backwardThreads = c.backwardThreads;
            microBatchShards = c.microBatchShards;
            device = c.device;
        }

        public Builder lossType(LossType v) { lossType = v; return this; }
        public Builder lossType(String v) { lossType = LossType.parse(v); return this; }
        public Builder beta(double v) { beta = v; return this; }
        public Builder labelSmoothing(double v) { labelSmoothing = v; return this; }
        public Builder ipoNormalizeLength(boolean v) { ipoNormalizeLength = v; return this; }
        public Builder desirableWeight(double v) { desirableWeight = v; return this; }
        public Builder undesirableWeight(double v) { undesirableWeight = v; return this; }
        public Builder syncRefModel(boolean v) { syncRefModel = v; return this; }
        public Builder refModelMixupAlpha(double v) { refModelMixupAlpha = v; return this; }
        public Builder refModelSyncSteps(int v) { refModelSyncSteps = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder adamBeta1(double v) { adamBeta1 = v; return this; }
        public Builder adamBeta2(double v) { adamBeta2 = v; return this; }
        public Builder adamEpsilon(double v) { adamEpsilon = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder lrScheduler(LrScheduler v) { lrScheduler = v; return this; }
        public Builder lrScheduler(String v) { lrScheduler = LrScheduler.parse(v); return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder gradientAccumulationSteps(int v) { gradientAccumulationSteps = v; return this; }
        public Builder maxSteps(long v) { maxSteps = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder intraOpThreads(int v) { intraOpThreads = v; return this; }
        public Builder parallelReference(boolean v) { parallelReference = v; return this; }
        public Builder backwardThreads(int v) { backwardThreads = v; return this; }
        public Builder microBatchShards(int v) { microBatchShards = v; return this; }
        public Builder device(String v) { device = v; return this; }

        public TrainingConfig build() {
            if (backwardThreads < 1) {
                throw new IllegalArgumentException("backwardThreads must be >= 1, got " + backwardThreads);
            }
            if (microBatchShards < 1) {
                throw new IllegalArgumentException("microBatchShards must be 1 or 2, got " + microBatchShards);
            }
            return new TrainingConfig(lossType, beta, labelSmoothing, ipoNormalizeLength, desirableWeight,
                    undesirableWeight, syncRefModel, refModelMixupAlpha, refModelSyncSteps, learningRate, weightDecay,
                    adamBeta1, adamBeta2, adamEpsilon, warmupSteps, lrScheduler, maxGradNorm,
                    gradientAccumulationSteps, maxSteps, seed, intraOpThreads, parallelReference, backwardThreads,
                    microBatchShards, device);
        }
    }
}
