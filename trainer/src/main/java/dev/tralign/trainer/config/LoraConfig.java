package dev.tralign.trainer.config;

import java.util.List;

/**
 * Low-rank adapters (LoRA, Hu et al. 2021) over a frozen Hugging Face base, with PEFT's names and meanings: each
 * targeted linear layer W gains {@code scaling * B A} with A [r, in] kaiming-uniform (PEFT's a = sqrt(5), i.e.
 * U(-1/sqrt(in), 1/sqrt(in))) and B [out, r] zero, so the first policy IS the base. The reference of a trust-region
 * run is the same base with reference adapters; how a soft update moves it is {@link ReferenceMix}.
 *
 * @param r rank (PEFT r, TRL lora_r)
 * @param alpha PEFT lora_alpha: scaling = alpha / r, or alpha / sqrt(r) with rslora
 * @param dropout PEFT lora_dropout; only 0 is implemented (see the compact constructor)
 * @param targetModules PEFT target_modules: module names such as q_proj, c_attn, query_key_value, or all-linear
 * @param useRslora rank-stabilised scaling alpha / sqrt(r) (Kalajdzievski 2023)
 * @param referenceMix how a soft trust-region update (alpha &lt; 1) mixes the reference adapters
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, boolean useRslora,
        ReferenceMix referenceMix) {

    /** PEFT's shorthand for every linear layer but the output head. */
    public static final String ALL_LINEAR = "all-linear";

    /**
     * How {@code ref <- alpha * policy + (1 - alpha) * ref} applies to adapters. The weight a LoRA layer adds is
     * bilinear in its factors, so mixing A and B separately is not mixing the weight deltas.
     */
    public enum ReferenceMix {
        /**
         * Mix A and B separately (the open TRL proposal's semantics): the reference stays two small factors per
         * target, but its delta is (alpha B + (1 - alpha) B_ref)(alpha A + (1 - alpha) A_ref), not the mix of the
         * deltas.
         */
        FACTORS,
        /**
         * Keep the reference's weight delta in full per target module: {@code delta_ref <- alpha * scaling * B A +
         * (1 - alpha) * delta_ref}, the exact trust-region update; costs 2 x out x in floats per target: the
         * delta, and the merged weight W + delta_ref the reference forward reads (for all-linear, twice the base's
         * block weights).
         */
        EXACT
    }

    public LoraConfig {
        if (r < 1) {
            throw new IllegalArgumentException("loraR = " + r + ": the rank must be >= 1 (e.g. 8 or 16)");
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("loraAlpha = " + alpha + ": it must be a positive number (e.g. 16)");
        }
        if (dropout != 0) {
            // A dropout mask would have to come from a seeded generator of our own to keep resume bit-identical.
            throw new IllegalArgumentException("loraDropout = " + dropout + ": only 0 is implemented (dropout masks "
                    + "would need a seeded generator to keep resume and replay bit-identical); set it to 0");
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new IllegalArgumentException("loraTargetModules is empty: name modules such as q_proj,v_proj, or "
                    + ALL_LINEAR);
        }
        targetModules = List.copyOf(targetModules);
        if (referenceMix == null) {
            throw new IllegalArgumentException("loraReferenceMix is missing: factors or exact");
        }
    }

    /** What multiplies B A: alpha / r, or alpha / sqrt(r) with rslora (PEFT's LoraLayer.update_layer). */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }
}
