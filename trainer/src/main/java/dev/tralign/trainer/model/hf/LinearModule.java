package dev.tralign.trainer.model.hf;

/**
 * One linear layer as Hugging Face names it (what PEFT's {@code target_modules} select) and where it lives in our
 * fused layout: a block of output rows of one of our weights. Llama's q_proj is the first H d rows of our
 * {@code blocks.i.qkv}; GPT-NeoX's query_key_value is all of them, in another row order.
 *
 * @param module the module's own name, e.g. {@code q_proj}, {@code c_attn} (a PEFT target_modules entry)
 * @param path the module's full path in the transformers model, e.g. {@code model.layers.0.self_attn.q_proj}
 * @param ours our linear layer, e.g. {@code blocks.0.qkv} (weight {@code blocks.0.qkv.weight})
 * @param rowStart first of our output rows this module computes
 * @param rows its output features
 * @param in its input features
 * @param oursOfStored null when its rows are ours in order; else for each of its stored output rows j, our row
 *     {@code rowStart + oursOfStored[j]} (GPT-NeoX's per-head interleaved q|k|v)
 * @param conv1d whether transformers stores it as a Conv1D (GPT-2: weight [in, out]; PEFT sets fan_in_fan_out)
 */
public record LinearModule(String module, String path, String ours, long rowStart, long rows, long in,
        int[] oursOfStored, boolean conv1d) {

    static LinearModule linear(String module, String path, String ours, long rowStart, long rows, long in) {
        return new LinearModule(module, path, ours, rowStart, rows, in, null, false);
    }
}
