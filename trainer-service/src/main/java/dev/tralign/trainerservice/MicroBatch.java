package dev.tralign.trainerservice;

import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.step.Batch;
import java.util.ArrayList;
import java.util.List;

/**
 * The examples of one trainer call, and the records they came from (for the ledger).
 *
 * @param pairs preference pairs, in record order
 * @param feedback feedback examples, in record order
 * @param origins topic/partition@offset of every record that contributed
 */
record MicroBatch(List<TokenizedPair> pairs, List<TokenizedFeedback> feedback, List<String> origins) {

    int size() {
        return pairs.size() + feedback.size();
    }

    /** The batch as the trainer takes it: a decoder fills either pairs or feedback, never both. */
    Batch forTrainer() {
        return pairs.isEmpty() ? Batch.feedback(feedback) : Batch.pairs(pairs);
    }

    /** Example ids in batch order. */
    List<String> ids() {
        List<String> ids = new ArrayList<>(size());
        pairs.forEach(p -> ids.add(p.id()));
        feedback.forEach(f -> ids.add(f.id()));
        return ids;
    }
}
