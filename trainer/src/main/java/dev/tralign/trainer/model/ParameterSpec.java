package dev.tralign.trainer.model;

import java.util.Arrays;

/**
 * One named parameter tensor of the model: its shape and how a fresh model initialises it.
 *
 * @param name PyTorch-style state_dict name, e.g. {@code blocks.0.qkv.weight}
 * @param shape dimensions
 * @param init initial values
 */
public record ParameterSpec(String name, long[] shape, Init init) {

    /** How a fresh parameter is filled. */
    public enum Init { NORMAL, ZEROS, ONES }

    /** Number of scalars. */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Whether AdamW applies weight decay: like the Hugging Face Trainer, never to biases or LayerNorm weights. */
    public boolean decays() {
        return !name.endsWith(".bias") && !isLayerNorm();
    }

    private boolean isLayerNorm() {
        String[] parts = name.split("\\.");
        return parts.length >= 2 && parts[parts.length - 2].startsWith("ln");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape) && p.init == init;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
