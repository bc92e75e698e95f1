package dev.tralign.evaluator.generate;

import dev.tralign.trainer.tokenizer.TextTokenizer;
import java.util.Arrays;

/**
 * Text to prompt tokens and generated tokens back to text, for any tokenizer: a generated row ends at the first EOS
 * (which the sampler includes), and what follows is dropped.
 */
public final class CompletionCodec {

    private final TextTokenizer tokenizer;

    public CompletionCodec(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public int eosId() {
        return tokenizer.eosId();
    }

    public int[] prompt(String prompt) {
        return tokenizer.encode(prompt);
    }

    /** The text of a generated completion, EOS and anything after it dropped. */
    public String completion(int[] generated) {
        int end = 0;
        while (end < generated.length && generated[end] != tokenizer.eosId()) {
            end++;
        }
        return tokenizer.decode(Arrays.copyOf(generated, end));
    }
}
