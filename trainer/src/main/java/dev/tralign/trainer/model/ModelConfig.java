package dev.tralign.trainer.model;

/**
 * Shape of the GPT-style causal decoder: token + learned position embeddings, {@code layers} pre-LN blocks
 * (causal multi-head attention with a fused qkv Linear, MLP E-4E-E with GELU), final LayerNorm, Linear head.
 *
 * @param vocabSize number of token ids the head predicts (must cover the tokenizer's specials)
 * @param embedDim width E of the residual stream; divisible by {@code heads}
 * @param layers number of transformer blocks
 * @param heads attention heads per block
 * @param maxSeqLen longest sequence (prompt + completion) the position table covers
 */
public record ModelConfig(int vocabSize, int embedDim, int layers, int heads, int maxSeqLen) {

    public ModelConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("embedDim", embedDim);
        requirePositive("layers", layers);
        requirePositive("heads", heads);
        if (maxSeqLen < 2) {
            throw new IllegalArgumentException("maxSeqLen must be >= 2 (one prompt token + one completion token), got "
                    + maxSeqLen);
        }
        if (embedDim % heads != 0) {
            throw new IllegalArgumentException("embedDim (" + embedDim + ") must be divisible by heads (" + heads
                    + "): pick heads among the divisors of embedDim");
        }
    }

    /** Width of one attention head. */
    public int headDim() {
        return embedDim / heads;
    }

    /** Number of trainable scalars, the same count PyTorch's {@code sum(p.numel())} gives for the peer model. */
    public long parameterCount() {
        long e = embedDim;
        long perBlock = 2 * 2 * e + (3 * e * e + 3 * e) + (e * e + e) + (4 * e * e + 4 * e) + (4 * e * e + e);
        return (long) vocabSize * e + (long) maxSeqLen * e + layers * perBlock + 2 * e + e * vocabSize + vocabSize;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }
}
