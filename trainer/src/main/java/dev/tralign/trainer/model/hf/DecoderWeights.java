package dev.tralign.trainer.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import dev.tralign.trainer.model.ParameterSet;

/**
 * The weights an {@link HfDecoder} forward reads: a plain {@link ParameterSet}, or a frozen base with low-rank
 * adapters whose linear layers add their own term ({@code trainer.lora}). Every linear layer of a block goes through
 * {@link #linear}, so an adapter can change exactly those without the decoder knowing.
 */
public interface DecoderWeights {

    /** The tensor named {@code name} in {@link DecoderLayout}'s naming. */
    NDArray get(String name);

    /** {@code x W^T (+ b)} for our linear layer {@code name} (e.g. {@code blocks.0.qkv}). */
    default NDArray linear(NDArray x, String name, boolean bias) {
        return (bias ? Linear.linear(x, get(name + ".weight"), get(name + ".bias"))
                : Linear.linear(x, get(name + ".weight"))).singletonOrThrow();
    }

    /** The weights of a parameter set, read as they are. */
    static DecoderWeights of(ParameterSet p) {
        return p::get;
    }
}
