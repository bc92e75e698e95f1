package dev.tralign.trainer.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} loaded offline through DJL's tokenizers binding. EOS and PAD are looked up
 * by token text (e.g. "&lt;/s&gt;", "&lt;pad&gt;"); special tokens are not added by {@link #encode} and are skipped
 * by {@link #decode}.
 */
public final class HuggingFaceTokenizer implements TextTokenizer, AutoCloseable {

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate;
    private final int vocabSize;
    private final int eosId;
    private final int padId;

    private HuggingFaceTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate, int vocabSize,
            int eosId, int padId) {
        this.delegate = delegate;
        this.vocabSize = vocabSize;
        this.eosId = eosId;
        this.padId = padId;
    }

    /**
     * Loads {@code tokenizerJson}; {@code eosToken}/{@code padToken} must be tokens of its vocabulary.
     */
    public static HuggingFaceTokenizer load(Path tokenizerJson, String eosToken, String padToken) {
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        try {
            int vocab = vocabSizeOf(tokenizerJson);
            return new HuggingFaceTokenizer(tokenizer, vocab, idOf(tokenizer, eosToken, "eosToken"),
                    idOf(tokenizer, padToken, "padToken"));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static int idOf(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer t, String token, String option) {
        Encoding e = t.encode(token, false, false);
        long[] ids = e.getIds();
        if (ids.length != 1 || !token.equals(e.getTokens()[0])) {
            throw new IllegalArgumentException(option + " '" + token + "' is not a single token of the tokenizer: "
                    + "pass a token from its vocabulary (added_tokens)");
        }
        return Math.toIntExact(ids[0]);
    }

    /**
     * The binding exposes no vocabulary size, so it is read from tokenizer.json: one more than the largest id in
     * {@code model.vocab} (an object for BPE/WordLevel/WordPiece, an array for Unigram) and {@code added_tokens}.
     */
    public static int vocabSizeOf(Path tokenizerJson) {
        try {
            JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
            int max = -1;
            JsonNode vocab = root.path("model").path("vocab");
            if (vocab.isObject()) {
                for (JsonNode id : (Iterable<JsonNode>) vocab::elements) {
                    max = Math.max(max, id.asInt());
                }
            } else if (vocab.isArray()) {
                max = vocab.size() - 1;
            }
            for (JsonNode added : root.path("added_tokens")) {
                max = Math.max(max, added.path("id").asInt());
            }
            if (max < 0) {
                throw new IllegalArgumentException(tokenizerJson + " has no model.vocab: not a tokenizer.json?");
            }
            return max + 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text) {
        long[] ids = delegate.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return delegate.decode(longs, true);
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

    @Override
    public void close() {
        delegate.close();
    }
}
