package dev.tralign.trainer.tokenizer;

import java.nio.file.Path;

/**
 * Builds the tokenizer a spec names: {@code bytes}, {@code alphabet:<letters>} or {@code hf:<tokenizer.json>} (the
 * trainer's run-config key {@code tokenizer}; the evaluator's --tokenizer takes the same spec).
 */
public final class Tokenizers {

    private Tokenizers() {
    }

    /** The tokenizer of a spec; EOS and PAD token names matter for Hugging Face tokenizers only. */
    public static TextTokenizer fromSpec(String spec, String eosToken, String padToken) {
        if (spec.equals("bytes")) {
            return new ByteTokenizer();
        }
        if (spec.startsWith("alphabet:") && spec.length() > "alphabet:".length()) {
            return new AlphabetTokenizer(spec.substring("alphabet:".length()));
        }
        if (spec.startsWith("hf:") && spec.length() > "hf:".length()) {
            return HuggingFaceTokenizer.load(Path.of(spec.substring("hf:".length())), eosToken, padToken);
        }
        throw new IllegalArgumentException("tokenizer '" + spec + "' is not one of bytes, alphabet:<letters>, "
                + "hf:<path to tokenizer.json>");
    }
}
