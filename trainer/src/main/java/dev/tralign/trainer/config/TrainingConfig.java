package dev.tralign.trainer.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tralign.trainer.reference.TrustRegion;
import dev.tralign.trainer.optim.LrScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that shapes a training run, with TRL's names and defaults; build with {@link #builder()}.
 * {@link Builder#build()} validates every value and rejects incompatible combinations with a message naming the
 * option and the fix.
 *
 * @param lossType the objective: the loss type when there is one, else the first preference loss of
 *     {@code lossTypes} (it decides the batch kind: pairs, unpaired feedback or SFT examples)
 * @param beta inverse temperature of the implicit reward (TRL beta, default 0.1)
 * @param labelSmoothing eps in [0, 0.5] of the losses that use it: robust (flip probability, below 0.5), exo_pair
 *     (required, e.g. 1e-3), aot, aot_unpaired, cdpo (and sigmoid under {@link LossSemantics#LEGACY}); default 0
 * @param ipoNormalizeLength false only for the legacy ipo on summed log-probs (now {@code ipo_summed}); default true
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
 * @param lossTypes TRL's loss_type list, combined as {@code sum_k w_k * loss_k}; one element for a single loss (null
 *     in the constructor = {@code [lossType]}; left out of checkpoint headers then)
 * @param lossWeights TRL's loss_weights, one per loss type; empty = 1 each (a list of ones is stored empty)
 * @param discopopTau DiscoPOP's tau (default 0.05; 0 in the constructor = absent = 0.05)
 * @param fDivergenceType TRL's f_divergence_type (default reverse_kl; null = absent = reverse_kl)
 * @param fAlphaDivergenceCoef alpha of alpha_divergence (default 0.5; null = absent = 0.5)
 * @param lossSemantics what the loss names mean ({@link LossSemantics}); null = what the other values imply, which
 *     is how configs written before the option read. A value equal to the implied one is stored as null, so the
 *     header of a checkpoint leaves it out exactly when leaving it out reads back the same
 * @param ldAlpha LD-DPO's alpha in [0, 1] (TRL ld_alpha): completion tokens beyond the shorter completion of the
 *     pair count alpha times in every sequence log-prob; null (default) = off
 * @param useWeighting WPO (TRL use_weighting): each pair's loss times the detached weights of its chosen and
 *     rejected completions, from the policy's token distributions (default false)
 * @param sftMetricsEverySteps every this many optimizer steps (0 = never, the default), a pair objective also
 *     reports its implicit rewards against the frozen SFT model (the starting policy) as {@code sft/rewards/...}:
 *     comparable across reference updates, which TRL cannot log because its reference moves. With a moving reference
 *     this keeps one more frozen copy of the weights (saved in checkpoints) and runs one more no-gradient forward on
 *     those steps; with a fixed reference the reference is the SFT model and the values are the rewards themselves
 */
public record TrainingConfig(LossType lossType, double beta, double labelSmoothing, boolean ipoNormalizeLength,
        double desirableWeight, double undesirableWeight, boolean syncRefModel, double refModelMixupAlpha,
        int refModelSyncSteps, double learningRate, double weightDecay, double adamBeta1, double adamBeta2,
        double adamEpsilon, int warmupSteps, LrScheduler lrScheduler, double maxGradNorm,
        int gradientAccumulationSteps, long maxSteps, long seed, int intraOpThreads, boolean parallelReference,
        int backwardThreads,
        // Left out of checkpoint headers at 1, so a replay of a run recorded before the option writes the same bytes.
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainingConfig.LeftOutAtOne.class)
        int microBatchShards, String device,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainingConfig.LeftOutWhenSingle.class)
        List<LossType> lossTypes,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainingConfig.LeftOutWhenEmpty.class)
        List<Double> lossWeights,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainingConfig.LeftOutAtDiscopopDefault.class)
        double discopopTau,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainingConfig.LeftOutAtReverseKl.class)
        FDivergenceType fDivergenceType,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainingConfig.LeftOutAtAlphaDefault.class)
        Double fAlphaDivergenceCoef,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        LossSemantics lossSemantics,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        Double ldAlpha,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainingConfig.LeftOutWhenFalse.class)
        boolean useWeighting,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = TrainingConfig.LeftOutAtZero.class)
        int sftMetricsEverySteps) {

    /** TRL's DiscoPOP tau default (the paper's). */
    public static final double DEFAULT_DISCOPOP_TAU = 0.05;
    /** TRL's f_alpha_divergence_coef default. */
    public static final double DEFAULT_F_ALPHA_DIVERGENCE_COEF = 0.5;

    private static final Logger LOG = LoggerFactory.getLogger(TrainingConfig.class);

    /** The trust-region settings as the updater takes them. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public TrustRegion trustRegion() {
        return new TrustRegion(syncRefModel, refModelMixupAlpha, refModelSyncSteps);
    }

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

    /** Jackson value filter: a list of at most one loss type (a single loss, which lossType names) is left out. */
    public static final class LeftOutWhenSingle {
        @Override
        public boolean equals(Object value) {
            return value == null || value instanceof List<?> l && l.size() <= 1;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** Jackson value filter: an empty list (loss weights of 1 each) is left out. */
    public static final class LeftOutWhenEmpty {
        @Override
        public boolean equals(Object value) {
            return value == null || value instanceof List<?> l && l.isEmpty();
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** Jackson value filter: 0 (an option that is off) is left out. */
    public static final class LeftOutAtZero {
        @Override
        public boolean equals(Object value) {
            return Integer.valueOf(0).equals(value);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** Jackson value filter: false is left out. */
    public static final class LeftOutWhenFalse {
        @Override
        public boolean equals(Object value) {
            return Boolean.FALSE.equals(value);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** Jackson value filter: DiscoPOP's default tau is left out. */
    public static final class LeftOutAtDiscopopDefault {
        @Override
        public boolean equals(Object value) {
            return Double.valueOf(DEFAULT_DISCOPOP_TAU).equals(value);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** Jackson value filter: the default alpha of alpha_divergence is left out. */
    public static final class LeftOutAtAlphaDefault {
        @Override
        public boolean equals(Object value) {
            return value == null || Double.valueOf(DEFAULT_F_ALPHA_DIVERGENCE_COEF).equals(value);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** Jackson value filter: reverse KL (standard DPO) is left out. */
    public static final class LeftOutAtReverseKl {
        @Override
        public boolean equals(Object value) {
            return value == null || value == FDivergenceType.REVERSE_KL;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    public TrainingConfig {
        if (lossType == null && (lossTypes == null || lossTypes.isEmpty())) {
            throw new IllegalArgumentException("lossType is required: one of " + LossType.accepted());
        }
        lossTypes = lossTypes == null || lossTypes.isEmpty() ? List.of(lossType) : List.copyOf(lossTypes);
        LossType objective = objectiveOf(lossTypes);
        if (lossType != null && lossType != objective) {
            throw new IllegalArgumentException("lossType " + lossType.trlName() + " does not match the loss list "
                    + names(lossTypes) + ", whose objective is " + objective.trlName());
        }
        lossType = objective;
        lossWeights = checkWeights(lossTypes, lossWeights);
        if (discopopTau == 0) {
            discopopTau = DEFAULT_DISCOPOP_TAU;    // absent from checkpoints written before the option existed
        }
        if (fDivergenceType == null) {
            fDivergenceType = FDivergenceType.REVERSE_KL;
        }
        if (fAlphaDivergenceCoef == null) {
            fAlphaDivergenceCoef = DEFAULT_F_ALPHA_DIVERGENCE_COEF;
        }
        LossSemantics implied = LossSemantics.implied(lossTypes, labelSmoothing, ipoNormalizeLength);
        if (lossSemantics == implied) {
            lossSemantics = null;
        }
        checkLossOptions(lossTypes, labelSmoothing, ipoNormalizeLength, discopopTau, fDivergenceType,
                fAlphaDivergenceCoef, lossSemantics == null ? implied : lossSemantics);
        checkTokenOptions(lossTypes, ldAlpha, useWeighting);
        if (sftMetricsEverySteps < 0) {
            throw new IllegalArgumentException("sftMetricsEverySteps must be >= 0 (0 = off), got "
                    + sftMetricsEverySteps);
        }
        if (lrScheduler == null) {
            throw new IllegalArgumentException("lrScheduler is required: one of constant|linear|cosine");
        }
        requireFinite("beta", beta);
        if (beta <= 0) {
            throw new IllegalArgumentException("beta must be > 0, got " + beta + " (TRL default 0.1)");
        }
        if (!(desirableWeight > 0) || !(undesirableWeight > 0) || Double.isInfinite(desirableWeight)
                || Double.isInfinite(undesirableWeight)) {
            throw new IllegalArgumentException("desirableWeight and undesirableWeight must be finite and > 0, got "
                    + desirableWeight + " and " + undesirableWeight);
        }
        new TrustRegion(syncRefModel, refModelMixupAlpha, refModelSyncSteps);
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


    /** What the loss names mean for this config ({@link #lossSemantics()}, or the meaning it implies). */
    public LossSemantics semantics() {
        return lossSemantics != null ? lossSemantics
                : LossSemantics.implied(lossTypes, labelSmoothing, ipoNormalizeLength);
    }

    /** The weight of each loss type, in {@link #lossTypes()} order (1 each unless lossWeights says otherwise). */
    public double[] weights() {
        double[] w = new double[lossTypes.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = lossWeights.isEmpty() ? 1.0 : lossWeights.get(i);
        }
        return w;
    }

    /** The objective of a loss list: its only loss, or the first preference loss of a combination. */
    private static LossType objectiveOf(List<LossType> lossTypes) {
        if (lossTypes.size() == 1) {
            return lossTypes.get(0);
        }
        if (lossTypes.stream().distinct().count() != lossTypes.size()) {
            throw new IllegalArgumentException("lossType " + names(lossTypes) + " names a loss twice: give each "
                    + "once and weigh them with lossWeights");
        }
        for (LossType t : lossTypes) {
            if (t.isUnpairedFeedback()) {
                throw new IllegalArgumentException("lossType " + names(lossTypes) + " combines " + t.trlName()
                        + ", which trains on unpaired feedback (TRL's KTOTrainer), with other losses: train "
                        + t.trlName() + " alone");
            }
        }
        return lossTypes.stream().filter(LossType::isPaired).findFirst().orElseThrow(() ->
                new IllegalArgumentException("lossType " + names(lossTypes) + " has no preference loss: a "
                        + "combination needs one of " + LossType.accepted()));
    }

    private static String names(List<LossType> lossTypes) {
        return String.join(",", lossTypes.stream().map(LossType::trlName).toList());
    }

    /** Validates loss weights; a list of ones is stored empty (one canonical form). */
    private static List<Double> checkWeights(List<LossType> lossTypes, List<Double> weights) {
        if (weights == null || weights.isEmpty()) {
            return List.of();
        }
        if (weights.size() != lossTypes.size()) {
            throw new IllegalArgumentException("lossWeights has " + weights.size() + " weights but lossType "
                    + names(lossTypes) + " has " + lossTypes.size() + " losses: give one weight per loss, in order "
                    + "(e.g. 0.8,0.2,1.0 for sigmoid,bco_pair,sft)");
        }
        for (Double w : weights) {
            if (w == null || !Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("lossWeights must be finite and >= 0, got " + weights);
            }
        }
        if (weights.stream().allMatch(w -> w == 1.0)) {
            return List.of();
        }
        if (!objectiveOf(lossTypes).isPaired()) {
            throw new IllegalArgumentException("lossWeights apply to preference losses (TRL's DPOTrainer), not to "
                    + "lossType=" + names(lossTypes) + ": remove lossWeights");
        }
        return List.copyOf(weights);
    }

    private static final java.util.Set<LossType> USE_LABEL_SMOOTHING = java.util.EnumSet.of(LossType.CDPO,
            LossType.ROBUST, LossType.EXO_PAIR, LossType.AOT, LossType.AOT_UNPAIRED);
    private static final java.util.Set<LossType> IGNORE_F_DIVERGENCE = java.util.EnumSet.of(LossType.AOT,
            LossType.AOT_UNPAIRED, LossType.APO_ZERO, LossType.SFT);

    private static void checkLossOptions(List<LossType> types, double labelSmoothing, boolean ipoNormalizeLength,
            double discopopTau, FDivergenceType f, double alphaCoef, LossSemantics semantics) {
        String list = names(types);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 0.5)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 0.5], got " + labelSmoothing);
        }
        boolean legacySigmoid = semantics == LossSemantics.LEGACY && types.contains(LossType.SIGMOID);
        if (labelSmoothing > 0 && !legacySigmoid && types.stream().noneMatch(USE_LABEL_SMOOTHING::contains)) {
            throw new IllegalArgumentException("labelSmoothing only applies to lossType cdpo, robust, exo_pair, aot "
                    + "or aot_unpaired, got lossType=" + list + (types.contains(LossType.SIGMOID)
                            ? " (TRL main ignores it for sigmoid; conservative DPO is lossType=cdpo)" : "")
                    + ": set labelSmoothing to 0 or change lossType");
        }
        if (labelSmoothing == 0 && types.contains(LossType.EXO_PAIR)) {
            throw new IllegalArgumentException("labelSmoothing must be > 0 with lossType=exo_pair (as TRL requires; "
                    + "the EXO paper recommends 1e-3)");
        }
        if (labelSmoothing == 0 && types.contains(LossType.CDPO)) {
            throw new IllegalArgumentException("labelSmoothing must be > 0 with lossType=cdpo (with 0 it is sigmoid): "
                    + "set labelSmoothing, e.g. 0.1, or lossType=sigmoid");
        }
        if (labelSmoothing >= 0.5 && types.contains(LossType.ROBUST)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 0.5) with lossType=robust (a flip "
                    + "probability of 0.5 divides by zero), got " + labelSmoothing);
        }
        if (!ipoNormalizeLength && !(semantics == LossSemantics.LEGACY && types.contains(LossType.IPO))) {
            throw new IllegalArgumentException("ipoNormalizeLength=false (IPO on summed log-probs) is lossType="
                    + "ipo_summed now: use it and leave ipoNormalizeLength at true");
        }
        if (!(discopopTau > 0) || Double.isInfinite(discopopTau)) {
            throw new IllegalArgumentException("discopopTau must be finite and > 0, got " + discopopTau
                    + " (TRL default 0.05)");
        }
        if (discopopTau != DEFAULT_DISCOPOP_TAU && !types.contains(LossType.DISCOPOP)) {
            throw new IllegalArgumentException("discopopTau only applies to lossType=discopop, got lossType=" + list
                    + ": remove discopopTau or add discopop");
        }
        if (!Double.isFinite(alphaCoef)) {
            throw new IllegalArgumentException("fAlphaDivergenceCoef must be finite, got " + alphaCoef);
        }
        if (alphaCoef != DEFAULT_F_ALPHA_DIVERGENCE_COEF && f != FDivergenceType.ALPHA_DIVERGENCE) {
            throw new IllegalArgumentException("fAlphaDivergenceCoef only applies to fDivergenceType="
                    + "alpha_divergence, got " + f.trlName() + ": remove fAlphaDivergenceCoef or set fDivergenceType");
        }
        if (f != FDivergenceType.REVERSE_KL) {
            for (LossType t : types) {
                boolean legacyMeaning = t.isLegacy() || semantics == LossSemantics.LEGACY
                        && (t == LossType.IPO || t == LossType.SIGMOID && labelSmoothing > 0);
                if (legacyMeaning || !t.isPaired() && t != LossType.SFT) {
                    throw new IllegalArgumentException("fDivergenceType=" + f.trlName() + " does not apply to lossType="
                            + t.trlName() + " (TRL applies it to its DPO losses; this one is "
                            + (legacyMeaning ? "an older tralign meaning" : "not one") + "): use reverse_kl");
                }
            }
            if (IGNORE_F_DIVERGENCE.containsAll(types)) {
                throw new IllegalArgumentException("fDivergenceType=" + f.trlName() + " has no effect on lossType="
                        + list + " (TRL uses the plain log-ratios there): use reverse_kl");
            }
        }
    }

    /** True when sequence log-probs need the token-level path (LD-DPO or WPO). */
    public boolean tokenLevelPairs() {
        return ldAlpha != null || useWeighting;
    }

    private static void checkTokenOptions(List<LossType> types, Double ldAlpha, boolean useWeighting) {
        String list = names(types);
        boolean pairs = types.size() > 1 || types.get(0).isPaired();
        if (ldAlpha != null && !(ldAlpha >= 0 && ldAlpha <= 1)) {
            throw new IllegalArgumentException("ldAlpha must be in [0, 1] (1 = no down-weighting), got " + ldAlpha);
        }
        if ((ldAlpha != null || useWeighting) && !pairs) {
            throw new IllegalArgumentException((ldAlpha != null ? "ldAlpha" : "useWeighting") + " applies to "
                    + "preference losses (TRL's DPOTrainer), not to lossType=" + list + ": remove it");
        }
        if ((ldAlpha != null || useWeighting) && types.contains(LossType.SFT)) {
            // TRL computes its sft term from the raw logits and weighs the batch mean: not reproduced here yet.
            throw new IllegalArgumentException((ldAlpha != null ? "ldAlpha" : "useWeighting") + " with lossType "
                    + list + " is not supported yet (TRL's sft term ignores LD-DPO and weighs the batch mean): "
                    + "drop sft or the option");
        }
        if (useWeighting && (types.contains(LossType.AOT) || types.contains(LossType.AOT_UNPAIRED))) {
            throw new IllegalArgumentException("useWeighting is not available for lossType " + list + ": aot and "
                    + "aot_unpaired sort the batch, which would misalign the per-pair weights (as TRL refuses)");
        }
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
        private List<LossType> lossTypes = null;
        private List<Double> lossWeights = List.of();
        private double discopopTau = DEFAULT_DISCOPOP_TAU;
        private FDivergenceType fDivergenceType = FDivergenceType.REVERSE_KL;
        private double fAlphaDivergenceCoef = DEFAULT_F_ALPHA_DIVERGENCE_COEF;
        private LossSemantics lossSemantics = LossSemantics.TRL;
        private Double ldAlpha = null;
        private boolean useWeighting = false;
        private int sftMetricsEverySteps = 0;

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
            lossTypes = c.lossTypes;
            lossWeights = c.lossWeights;
            discopopTau = c.discopopTau;
            fDivergenceType = c.fDivergenceType;
            fAlphaDivergenceCoef = c.fAlphaDivergenceCoef;
            lossSemantics = c.lossSemantics;
            ldAlpha = c.ldAlpha;
            useWeighting = c.useWeighting;
            sftMetricsEverySteps = c.sftMetricsEverySteps;
        }

        public Builder lossType(LossType v) { lossType = v; lossTypes = null; return this; }
        /** One TRL spelling, or a comma-separated list combined with {@link #lossWeights}. */
        public Builder lossType(String v) { return lossTypes(LossType.parseList(v)); }
        public Builder lossTypes(List<LossType> v) {
            lossTypes = List.copyOf(v);
            lossType = null;
            return this;
        }
        public Builder lossWeights(double... v) {
            List<Double> w = new ArrayList<>();
            for (double d : v) {
                w.add(d);
            }
            lossWeights = List.copyOf(w);
            return this;
        }
        public Builder lossWeights(List<Double> v) { lossWeights = List.copyOf(v); return this; }
        public Builder discopopTau(double v) { discopopTau = v; return this; }
        public Builder fDivergenceType(FDivergenceType v) { fDivergenceType = v; return this; }
        public Builder fDivergenceType(String v) { fDivergenceType = FDivergenceType.parse(v); return this; }
        public Builder fAlphaDivergenceCoef(double v) { fAlphaDivergenceCoef = v; return this; }
        /** {@link LossSemantics}; default TRL; null = what the other values imply (configs written before it). */
        public Builder lossSemantics(LossSemantics v) { lossSemantics = v; return this; }
        /** LD-DPO alpha in [0, 1]; null = off (the default). */
        public Builder ldAlpha(Double v) { ldAlpha = v; return this; }
        public Builder useWeighting(boolean v) { useWeighting = v; return this; }
        public Builder sftMetricsEverySteps(int v) { sftMetricsEverySteps = v; return this; }
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
            if (!(discopopTau > 0) || Double.isInfinite(discopopTau)) {
                throw new IllegalArgumentException("discopopTau must be finite and > 0, got " + discopopTau
                        + " (TRL default 0.05)");
            }
            return new TrainingConfig(lossType, beta, labelSmoothing, ipoNormalizeLength, desirableWeight,
                    undesirableWeight, syncRefModel, refModelMixupAlpha, refModelSyncSteps, learningRate, weightDecay,
                    adamBeta1, adamBeta2, adamEpsilon, warmupSteps, lrScheduler, maxGradNorm,
                    gradientAccumulationSteps, maxSteps, seed, intraOpThreads, parallelReference, backwardThreads,
                    microBatchShards, device, lossTypes, lossWeights, discopopTau, fDivergenceType,
                    fAlphaDivergenceCoef, lossSemantics, ldAlpha, useWeighting, sftMetricsEverySteps);
        }
    }
}
