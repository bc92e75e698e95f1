package dev.tralign.trainer.model.hf;

import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.ParameterSet;
import java.util.Arrays;

/**
 * Greedy decoding through the decoder's key/value cache: one prefill of the prompt, then one single-token forward
 * per new token (the same tokens transformers' {@code generate(do_sample=False)} gives). Sampling with temperature
 * and top-k/top-p is the trainer's {@code Policy.sample}, which gets the same cache once it is wired to this model.
 */
public final class HfGeneration {

    private HfGeneration() {
    }

    /**
     * Up to {@code maxNewTokens} argmax tokens after {@code prompt}, stopping after {@code eos} (negative: never)
     * or at the model's sequence limit. Ties go to the lowest id, as torch.argmax does.
     */
    public static int[] greedy(HfDecoder model, ParameterSet params, int[] prompt, int maxNewTokens, int eos) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("greedy decoding needs a prompt of at least one token (e.g. BOS)");
        }
        int limit = model.config().maxSeqLen();
        if (prompt.length >= limit) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens leaves no room under the "
                    + "sequence limit " + limit);
        }
        int vocab = model.config().vocabSize();
        long[] ids = Arrays.stream(prompt).asLongStream().toArray();
        return Autograd.withGrad(false, () -> {
            int[] out = new int[Math.min(maxNewTokens, limit - prompt.length)];
            float[][] logits = new float[1][];
            try (HfDecoder.DecodeCache cache = model.prefill(params, ids, new int[] {prompt.length}, prompt.length,
                    logits)) {
                for (int s = 0; s < out.length; s++) {
                    if (s > 0) {
                        logits[0] = cache.next(new int[] {out[s - 1]});
                    }
                    out[s] = argmax(logits[0], vocab);
                    if (out[s] == eos) {
                        return Arrays.copyOf(out, s + 1);
                    }
                }
            }
            return out;
        });
    }

    private static int argmax(float[] logits, int vocab) {
        int best = 0;
        for (int j = 1; j < vocab; j++) {
            if (logits[j] > logits[best]) {
                best = j;
            }
        }
        return best;
    }
}
