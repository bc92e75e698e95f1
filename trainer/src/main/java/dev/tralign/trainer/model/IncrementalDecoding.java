package dev.tralign.trainer.model;

/**
 * A model that decodes with a key/value cache: one prefill of the prompts, then one single-token forward per new
 * token, instead of re-running the whole sequence for every token.
 */
public interface IncrementalDecoding {

    /** The cache of one batch of prompts; not thread-safe, use with grad mode off, close to free it. */
    interface Session extends AutoCloseable {

        /** Logits [rows * V] for the token that follows {@code tokens} (one per row, appended to the cache). */
        float[] next(int[] tokens);

        @Override
        void close();
    }

    /**
     * Runs the prompts (right padded to {@code promptWidth}, real lengths {@code promptLengths}) and returns their
     * cache plus, in {@code firstLogits[0]}, the logits [rows * V] of each row's first new token.
     */
    Session prefill(ParameterSet p, long[] promptIds, int[] promptLengths, int promptWidth, float[][] firstLogits);
}
