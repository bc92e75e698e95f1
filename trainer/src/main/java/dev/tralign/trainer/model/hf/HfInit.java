package dev.tralign.trainer.model.hf;

import ai.djl.Device;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.SplitMix64;
import dev.tralign.trainer.model.hf.DecoderSpec.MlpKind;
import dev.tralign.trainer.model.hf.DecoderSpec.NormKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Randomly initialised models of an architecture (for tests and experiments): the architecture's released
 * conventions at a chosen shape, and seeded weights.
 */
public final class HfInit {

    private HfInit() {
    }

    /**
     * A model shape.
     *
     * @param vocabSize vocabulary (cover the tokenizer's ids)
     * @param hidden residual width
     * @param layers blocks
     * @param heads query heads (hidden must be divisible by it)
     * @param kvHeads key/value heads (Llama family; others use heads)
     * @param intermediate MLP width (0: the architecture's usual 4 x hidden, or about 8/3 x hidden for SwiGLU)
     * @param maxPositions longest sequence
     * @param tiedHead head tied to the embeddings
     */
    public record Shape(int vocabSize, int hidden, int layers, int heads, int kvHeads, int intermediate,
            int maxPositions, boolean tiedHead) {
    }

    /**
     * The spec of {@code arch} at {@code shape}, with the architecture's released conventions: GPT-NeoX as Pythia
     * (rotary on 25% of each head, parallel residual, exact GELU), Llama/Mistral (theta 1e4, no biases), Qwen2
     * (q/k/v biases, theta 1e6), GPT-2 (learned positions, tanh GELU).
     */
    public static DecoderSpec spec(Architecture arch, Shape s) {
        if (s.hidden() % s.heads() != 0) {
            throw new IllegalArgumentException("hidden " + s.hidden() + " must be divisible by heads " + s.heads());
        }
        int headDim = s.hidden() / s.heads();
        double range = 0.02;
        return switch (arch) {
            case GPT_NEOX -> new DecoderSpec(arch.modelType(), s.vocabSize(), s.hidden(), s.layers(), s.heads(),
                    s.heads(), headDim, orDefault(s.intermediate(), 4 * s.hidden()), s.maxPositions(),
                    NormKind.LAYER_NORM, 1e-5, evenQuarter(headDim), evenQuarter(headDim) == 0 ? null
                            : new RopeSpec(10000, null), false, true, true, true, true, MlpKind.GELU_EXACT,
                    s.tiedHead(), 1 / Math.sqrt(headDim), range);
            case LLAMA, MISTRAL, QWEN2 -> new DecoderSpec(arch.modelType(), s.vocabSize(), s.hidden(), s.layers(),
                    s.heads(), s.kvHeads() > 0 ? s.kvHeads() : s.heads(), headDim,
                    orDefault(s.intermediate(), swigluWidth(s.hidden())), s.maxPositions(), NormKind.RMS_NORM, 1e-6,
                    headDim, new RopeSpec(arch == Architecture.QWEN2 ? 1e6 : 1e4, null), false, false,
                    arch == Architecture.QWEN2, false, false, MlpKind.SWIGLU, s.tiedHead(), 1 / Math.sqrt(headDim),
                    range);
            case GPT2 -> new DecoderSpec(arch.modelType(), s.vocabSize(), s.hidden(), s.layers(), s.heads(),
                    s.heads(), headDim, orDefault(s.intermediate(), 4 * s.hidden()), s.maxPositions(),
                    NormKind.LAYER_NORM, 1e-5, 0, null, true, false, true, true, true, MlpKind.GELU_TANH,
                    s.tiedHead(), 1 / Math.sqrt(headDim), range);
        };
    }

    /** Seeded weights: N(0, initializer_range) matrices and embeddings, zero biases, unit norm gains. */
    public static ParameterSet parameters(DecoderSpec spec, long seed, Device device) {
        SplitMix64 random = new SplitMix64(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (ParameterSpec p : DecoderLayout.of(spec)) {
            float[] v = new float[Math.toIntExact(p.size())];
            switch (p.init()) {
                case NORMAL -> {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (spec.initializerRange() * random.nextGaussian());
                    }
                }
                case ONES -> java.util.Arrays.fill(v, 1f);
                case ZEROS -> { }
                default -> throw new IllegalStateException(p.init().name());
            }
            values.put(p.name(), v);
        }
        return ParameterSet.fromValues(DecoderLayout.of(spec), device, values);
    }

    private static int orDefault(int value, int fallback) {
        return value > 0 ? value : fallback;
    }

    /** Pythia's rotary_pct 0.25, rounded down to an even count. */
    private static int evenQuarter(int headDim) {
        return headDim / 4 / 2 * 2;
    }

    /** Llama's 2/3 of 4 x hidden, rounded up to a multiple of 8. */
    private static int swigluWidth(int hidden) {
        int w = 8 * hidden / 3;
        return (w + 7) / 8 * 8;
    }
}
