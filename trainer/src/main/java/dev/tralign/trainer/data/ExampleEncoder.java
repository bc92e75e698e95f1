package dev.tralign.trainer.data;

import dev.tralign.trainer.tokenizer.TextTokenizer;
import java.util.Arrays;

/**
 * How a prompt and a completion become token ids for training: the completion ends with the tokenizer's EOS, as
 * TRL appends it, so the policy learns where answers stop.
 */
public interface ExampleEncoder {

    /**
     * The ids of a prompt and of one of its completions.
     *
     * @param prompt token ids of the prompt (the same for every completion of that prompt)
     * @param completion token ids of the completion, EOS last
     */
    record Encoded(int[] prompt, int[] completion) {
    }

    Encoded encode(String prompt, String completion);

    /** The ids a policy is given to answer {@code prompt} (evaluation and online sampling). */
    int[] generationPrompt(String prompt);

    /** The end-of-sequence id completions end with. */
    int eosId();

    /** Prompt and completion tokenized as they are (no chat format). */
    static ExampleEncoder plain(TextTokenizer tokenizer) {
        return new ExampleEncoder() {
            @Override
            public Encoded encode(String prompt, String completion) {
                return new Encoded(tokenizer.encode(prompt), withEos(tokenizer.encode(completion), eosId()));
            }

            @Override
            public int[] generationPrompt(String prompt) {
                return tokenizer.encode(prompt);
            }

            @Override
            public int eosId() {
                return tokenizer.eosId();
            }
        };
    }

    /** {@code ids} followed by {@code eos}. */
    static int[] withEos(int[] ids, int eos) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = eos;
        return out;
    }
}
