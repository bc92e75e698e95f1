package dev.tralign.trainerservice.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the trainer's field names (camelCase) in its validation messages into this service's keys, so a
 * message always names what the user can edit.
 */
final class TrlNames {

    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("lossType", RunConfigDef.LOSS_TYPE),
            Map.entry("lossWeights", RunConfigDef.LOSS_WEIGHTS),
            Map.entry("lossSemantics", RunConfigDef.LOSS_SEMANTICS),
            Map.entry("labelSmoothing", RunConfigDef.LABEL_SMOOTHING),
            Map.entry("discopopTau", RunConfigDef.DISCOPOP_TAU),
            Map.entry("fDivergenceType", RunConfigDef.F_DIVERGENCE_TYPE),
            Map.entry("fAlphaDivergenceCoef", RunConfigDef.F_ALPHA_DIVERGENCE_COEF),
            Map.entry("ldAlpha", RunConfigDef.LD_ALPHA),
            Map.entry("useWeighting", RunConfigDef.USE_WEIGHTING),
            Map.entry("sftMetricsEverySteps", RunConfigDef.METRICS_SFT_EVERY_STEPS),
            Map.entry("desirableWeight", RunConfigDef.DESIRABLE_WEIGHT),
            Map.entry("undesirableWeight", RunConfigDef.UNDESIRABLE_WEIGHT),
            Map.entry("syncRefModel", RunConfigDef.SYNC_REF_MODEL),
            Map.entry("refModelMixupAlpha", RunConfigDef.REF_MODEL_MIXUP_ALPHA),
            Map.entry("refModelSyncSteps", RunConfigDef.REF_MODEL_SYNC_STEPS),
            Map.entry("learningRate", RunConfigDef.LEARNING_RATE),
            Map.entry("weightDecay", RunConfigDef.WEIGHT_DECAY),
            Map.entry("warmupSteps", RunConfigDef.WARMUP_STEPS),
            Map.entry("lrScheduler", RunConfigDef.LR_SCHEDULER_TYPE),
            Map.entry("maxGradNorm", RunConfigDef.MAX_GRAD_NORM),
            Map.entry("gradientAccumulationSteps", RunConfigDef.GRADIENT_ACCUMULATION_STEPS),
            Map.entry("maxSteps", RunConfigDef.MAX_STEPS),
            Map.entry("vocabSize", RunConfigDef.MODEL_VOCAB),
            Map.entry("embedDim", RunConfigDef.MODEL_EMBED),
            Map.entry("layers", RunConfigDef.MODEL_LAYERS),
            Map.entry("heads", RunConfigDef.MODEL_HEADS),
            Map.entry("maxSeqLen", RunConfigDef.MODEL_MAX_SEQ_LEN),
            Map.entry("loraR", RunConfigDef.LORA_R),
            Map.entry("loraAlpha", RunConfigDef.LORA_ALPHA),
            Map.entry("loraDropout", RunConfigDef.LORA_DROPOUT),
            Map.entry("loraTargetModules", RunConfigDef.LORA_TARGET_MODULES),
            Map.entry("loraReferenceMix", RunConfigDef.LORA_REFERENCE_MIX));
    private static final Pattern WORD = Pattern.compile("\\b[a-z][A-Za-z]*\\b");

    private TrlNames() {
    }

    static String toKeys(String message) {
        if (message == null) {
            return "";
        }
        Matcher m = WORD.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(KEYS.getOrDefault(m.group(), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
