package dev.tralign.trainer.model.hf;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.trainer.tokenizer.HuggingFaceTokenizer;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A model folder's {@code tokenizer.json} through DJL's Hugging Face tokenizers binding (offline), with the folder's
 * special tokens. As a {@link TextTokenizer} (what the trainer tokenizes pairs with) {@link #encode(String)} adds no
 * special tokens; {@link #encode(String, boolean)} adds those its post-processor adds (e.g. Llama's BOS), as
 * transformers' {@code tokenizer(text)} does. Decoding skips special tokens. EOS comes from
 * generation_config.json / config.json, else tokenizer_config.json's {@code eos_token}; PAD from the same places,
 * else EOS (what TRL does for tokenizers without a pad token).
 */
public final class HfTokenizer implements TextTokenizer, AutoCloseable {

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate;
    private final int vocabSize;
    private final int eosId;
    private final int padId;
    private final Integer bosId;

    private HfTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate, int vocabSize, int eosId,
            int padId, Integer bosId) {
        this.delegate = delegate;
        this.vocabSize = vocabSize;
        this.eosId = eosId;
        this.padId = padId;
        this.bosId = bosId;
    }

    /** The tokenizer of a loaded folder; refuses one whose ids do not fit the model's vocabulary. */
    public static HfTokenizer of(HfFolderInfo info) {
        if (info.tokenizer() == null) {
            throw new IllegalArgumentException(info.folder() + " has no tokenizer.json: copy the model's tokenizer "
                    + "files into the folder");
        }
        Path file = info.tokenizer();
        int vocab = HuggingFaceTokenizer.vocabSizeOf(file);
        if (vocab > info.spec().vocabSize()) {
            throw new IllegalArgumentException(file + " has ids up to " + (vocab - 1) + " but the model's vocab_size "
                    + "is " + info.spec().vocabSize() + ": the tokenizer does not belong to this model");
        }
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer t = open(file);
        try {
            JsonNode config = tokenizerConfig(info.folder());
            Integer eos = !info.ids().eos().isEmpty() ? info.ids().eos().get(0) : idOf(t, config, "eos_token", file);
            if (eos == null) {
                throw new IllegalArgumentException(info.folder() + " names no end-of-sequence token: set eos_token_id "
                        + "in generation_config.json or eos_token in tokenizer_config.json");
            }
            Integer pad = info.ids().pad() != null ? info.ids().pad() : idOf(t, config, "pad_token", file);
            Integer bos = info.ids().bos() != null ? info.ids().bos() : idOf(t, config, "bos_token", file);
            return new HfTokenizer(t, vocab, eos, pad != null ? pad : eos, bos);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** A bare tokenizer.json (EOS and PAD unknown: -1). */
    public static HfTokenizer load(Path tokenizerJson) {
        return new HfTokenizer(open(tokenizerJson), HuggingFaceTokenizer.vocabSizeOf(tokenizerJson), -1, -1, null);
    }

    private static ai.djl.huggingface.tokenizers.HuggingFaceTokenizer open(Path file) {
        try {
            return ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(file,
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode tokenizerConfig(Path folder) {
        Path file = folder.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(file)) {
            return new ObjectMapper().createObjectNode();
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The id of tokenizer_config.json's {@code key} (a string, or an AddedToken object with "content"). */
    private static Integer idOf(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer t, JsonNode config, String key,
            Path file) {
        JsonNode v = config.path(key);
        String text = v.isTextual() ? v.asText() : v.path("content").isTextual() ? v.path("content").asText() : null;
        if (text == null) {
            return null;
        }
        Encoding e = t.encode(text, false, false);
        if (e.getIds().length != 1) {
            throw new IllegalArgumentException("tokenizer_config.json's " + key + " '" + text + "' is not one token "
                    + "of " + file);
        }
        return Math.toIntExact(e.getIds()[0]);
    }

    /** Ids of {@code text} without special tokens (the trainer adds BOS/EOS where its format says). */
    @Override
    public int[] encode(String text) {
        return encode(text, false);
    }

    /** Ids of {@code text}, with the post-processor's special tokens when {@code addSpecialTokens}. */
    public int[] encode(String text, boolean addSpecialTokens) {
        return Arrays.stream(delegate.encode(text, addSpecialTokens, false).getIds()).mapToInt(Math::toIntExact)
                .toArray();
    }

    @Override
    public String decode(int[] ids) {
        return delegate.decode(Arrays.stream(ids).asLongStream().toArray(), true);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int padId() {
        return padId;
    }

    /** Beginning-of-sequence id, or null when the model has none (Qwen2, GPT-NeoX without one). */
    public Integer bosId() {
        return bosId;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
