package dev.tralign.evaluator.generate;

import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import java.util.Arrays;

/**
 * Text to prompt tokens and generated tokens back to text, for any tokenizer: a generated row ends at the first EOS
 * (which the sampler includes), and what follows is dropped. Prompts go through the run's {@link ExampleEncoder}, so
 * a chat model is asked through its chat template.
 */
public final class CompletionCodec {

    private final TextTokenizer tokenizer;
    private final ExampleEncoder prompts;

    /** Prompts tokenized as plain text. */
    public CompletionCodec(TextTokenizer tokenizer) {
        this(tokenizer, ExampleEncoder.plain(tokenizer));
    }

    /** Prompts as {@code prompts} renders them for generation (e.g. a Hugging Face model's chat template). */
    public CompletionCodec(TextTokenizer tokenizer, ExampleEncoder prompts) {
        this.tokenizer = tokenizer;
        this.prompts = prompts;
    }

    public int eosId() {
        return tokenizer.eosId();
    }

    public int[] prompt(String prompt) {
        return prompts.generationPrompt(prompt);
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
