package dev.tralign.trainer.model.hf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A model folder's {@code tokenizer.json} through DJL's Hugging Face tokenizers binding (offline). Text becomes ids
 * with the special tokens its post-processor adds (e.g. Llama's BOS), as transformers' {@code tokenizer(text)}
 * does; decoding skips special tokens.
 */
public final class HfTokenizer implements AutoCloseable {

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate;

    private HfTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate) {
        this.delegate = delegate;
    }

    public static HfTokenizer load(Path tokenizerJson) {
        try {
            return new HfTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Ids of {@code text}, with the post-processor's special tokens when {@code addSpecialTokens}. */
    public int[] encode(String text, boolean addSpecialTokens) {
        return Arrays.stream(delegate.encode(text, addSpecialTokens, false).getIds()).mapToInt(Math::toIntExact)
                .toArray();
    }

    public String decode(int[] ids) {
        return delegate.decode(Arrays.stream(ids).asLongStream().toArray(), true);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
