package dev.tralign.trainerservice;

import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import java.util.List;

/**
 * What one input record became: training examples, or a rejection for the DLQ.
 *
 * @param pairs preference pairs (pair losses)
 * @param feedback feedback examples (kto; a split pair gives two)
 * @param errorClass short machine-readable class of the rejection, null when accepted
 * @param reason what is wrong and how to fix it, null when accepted
 */
record Decoded(List<TokenizedPair> pairs, List<TokenizedFeedback> feedback, String errorClass, String reason) {

    static Decoded pair(TokenizedPair pair) {
        return new Decoded(List.of(pair), List.of(), null, null);
    }

    static Decoded feedback(List<TokenizedFeedback> examples) {
        return new Decoded(List.of(), List.copyOf(examples), null, null);
    }

    static Decoded rejected(String errorClass, String reason) {
        return new Decoded(List.of(), List.of(), errorClass, reason);
    }

    boolean accepted() {
        return errorClass == null;
    }
}
