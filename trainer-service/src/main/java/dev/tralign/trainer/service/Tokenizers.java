package dev.tralign.trainer.service;

import dev.tralign.trainer.service.config.RunConfig;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import dev.tralign.trainer.tokenizer.ByteTokenizer;
import dev.tralign.trainer.tokenizer.HuggingFaceTokenizer;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import java.nio.file.Path;

/** Builds the tokenizer named by the {@code tokenizer} setting. */
final class Tokenizers {

    private Tokenizers() {
    }

    static TextTokenizer create(RunConfig config) {
        String spec = config.tokenizer();
        if (spec.equals("bytes")) {
            return new ByteTokenizer();
        }
        if (spec.startsWith("alphabet:")) {
            return new AlphabetTokenizer(spec.substring("alphabet:".length()));
        }
        return HuggingFaceTokenizer.load(Path.of(spec.substring("hf:".length())), config.tokenizerEosToken(),
                config.tokenizerPadToken());
    }
}
