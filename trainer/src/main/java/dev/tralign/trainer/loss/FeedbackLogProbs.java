package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * Inputs of the unpaired KTO loss, all shaped [B].
 *
 * @param policy lp_theta(y_i | x_i)
 * @param reference lp_ref(y_i | x_i)
 * @param policyMismatched lp_theta(y_{i-1} | x_i): completions rotated by one within the batch, no gradient
 * @param referenceMismatched lp_ref(y_{i-1} | x_i) (both mismatched arrays are null for apo_zero_unpaired, which
 *     has no KL reference point)
 * @param desirable 1 for thumbs-up examples, 0 for thumbs-down (float)
 */
public record FeedbackLogProbs(NDArray policy, NDArray reference, NDArray policyMismatched,
        NDArray referenceMismatched, NDArray desirable) {
}
