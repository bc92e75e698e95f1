package dev.tralign.trainer.model.hf;

/**
 * Everything that distinguishes one decoder-only transformer from another, as data (one decoder, no subclass per
 * model; see {@link Architecture} for how each Hugging Face {@code config.json} maps onto it). A block is
 * {@code x + attn(norm1 x)} then {@code + mlp(norm2 .)}, or with a parallel residual
 * {@code x + attn(norm1 x) + mlp(norm2 x)}; the head is {@code norm(x)} times the head matrix (or the token
 * embeddings when tied).
 *
 * @param architecture Hugging Face {@code model_type}, e.g. {@code llama}
 * @param vocabSize rows of the embedding and the head
 * @param hidden width of the residual stream
 * @param layers number of blocks
 * @param heads query heads
 * @param kvHeads key/value heads (grouped-query attention: query head h reads kv head h / (heads / kvHeads))
 * @param headDim width of one head
 * @param intermediate MLP width (for SwiGLU: of each of gate and up)
 * @param maxPositions {@code max_position_embeddings}: rows of a learned position table, and the longest
 *     sequence the model accepts
 * @param norm LayerNorm (with bias) or RMSNorm (weight only)
 * @param normEps epsilon inside every norm
 * @param rotaryDims leading dimensions of each head that get rotary embedding (rotate-half pairs (i, i + r/2));
 *     0 = no rotary
 * @param rope rotary frequencies (theta and scaling), or null without rotary
 * @param learnedPositions a learned position table added to the token embeddings (GPT-2)
 * @param parallelResidual attention and MLP read the same input (GPT-NeoX, GPT-J)
 * @param qkvBias the q, k, v projections have biases
 * @param outBias the attention output projection has a bias
 * @param mlpBias the MLP projections have biases
 * @param mlp the MLP kind
 * @param tiedHead the head reuses the token embeddings
 * @param attentionScale multiplier of q.k (normally 1/sqrt(headDim))
 * @param initializerRange standard deviation of a fresh model's matrices ({@code initializer_range})
 */
public record DecoderSpec(String architecture, int vocabSize, int hidden, int layers, int heads, int kvHeads,
        int headDim, int intermediate, int maxPositions, NormKind norm, double normEps, int rotaryDims,
        RopeSpec rope, boolean learnedPositions, boolean parallelResidual, boolean qkvBias, boolean outBias,
        boolean mlpBias, MlpKind mlp, boolean tiedHead, double attentionScale, double initializerRange) {

    /** How a block normalises. */
    public enum NormKind { LAYER_NORM, RMS_NORM }

    /** The MLP: act(x W1 + b1) W2 + b2, or SwiGLU silu(x Wg) * (x Wu) Wd. */
    public enum MlpKind {
        /** GELU with the exact erf. */
        GELU_EXACT,
        /** GELU's tanh approximation (GPT-2's {@code gelu_new}, {@code gelu_pytorch_tanh}). */
        GELU_TANH,
        /** silu(gate) * up, then down (Llama family). */
        SWIGLU
    }

    public DecoderSpec {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hidden);
        positive("num_hidden_layers", layers);
        positive("num_attention_heads", heads);
        positive("num_key_value_heads", kvHeads);
        positive("head_dim", headDim);
        positive("intermediate_size", intermediate);
        if (maxPositions < 2) {
            throw new IllegalArgumentException("max positions must be >= 2, got " + maxPositions);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + heads + ") must be a multiple of "
                    + "num_key_value_heads (" + kvHeads + ")");
        }
        if (rotaryDims < 0 || rotaryDims > headDim || rotaryDims % 2 != 0) {
            throw new IllegalArgumentException("rotary dimensions " + rotaryDims + " must be even and within the "
                    + "head size " + headDim);
        }
        if ((rotaryDims > 0) != (rope != null)) {
            throw new IllegalArgumentException("rotary dimensions and rope settings go together");
        }
    }

    /** Query heads per key/value head. */
    public int groups() {
        return heads / kvHeads;
    }

    /** Rows of the fused q|k|v projection. */
    public int qkvRows() {
        return (heads + 2 * kvHeads) * headDim;
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + value);
        }
    }
}
