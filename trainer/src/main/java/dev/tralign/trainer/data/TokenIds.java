package dev.tralign.trainer.data;

import java.util.List;
import java.util.function.Function;

/**
 * Checks token ids against the model's vocabulary before they reach libtorch, whose out-of-range error
 * ("index out of range in self") names neither the example nor the id.
 */
public final class TokenIds {

    private TokenIds() {
    }

    public static <T> void requireInVocab(List<T> items, int vocabSize, Function<T, String> id,
            List<Function<T, int[]>> fields, List<String> names) {
        for (T item : items) {
            for (int f = 0; f < fields.size(); f++) {
                int[] ids = fields.get(f).apply(item);
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i] < 0 || ids[i] >= vocabSize) {
                        throw new IllegalArgumentException("example '" + id.apply(item) + "': " + names.get(f)
                                + " token " + i + " is id " + ids[i] + ", outside the model's vocabulary [0, "
                                + vocabSize + "): use the tokenizer the model was built for");
                    }
                }
            }
        }
    }

    public static void requirePairs(List<TokenizedPair> pairs, int vocab) {
        requireInVocab(pairs, vocab, TokenizedPair::id,
                List.of(TokenizedPair::prompt, TokenizedPair::chosen, TokenizedPair::rejected),
                List.of("prompt", "chosen", "rejected"));
    }

    public static void requireFeedback(List<TokenizedFeedback> feedback, int vocab) {
        requireInVocab(feedback, vocab, TokenizedFeedback::id,
                List.of(TokenizedFeedback::prompt, TokenizedFeedback::completion), List.of("prompt", "completion"));
    }

    public static void requireExamples(List<TokenizedExample> examples, int vocab) {
        requireInVocab(examples, vocab, TokenizedExample::id,
                List.of(TokenizedExample::prompt, TokenizedExample::completion), List.of("prompt", "completion"));
    }

    public static void requirePrompts(List<int[]> prompts, int vocab) {
        for (int r = 0; r < prompts.size(); r++) {
            int[] ids = prompts.get(r);
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new IllegalArgumentException("prompt " + r + " token " + i + " is id " + ids[i]
                            + ", outside the model's vocabulary [0, " + vocab + ")");
                }
            }
        }
    }
}
