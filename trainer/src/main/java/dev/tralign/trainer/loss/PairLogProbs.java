package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * Per-pair summed completion log-probs, all shaped [B]. Reference values carry no gradient.
 *
 * @param policyChosen lp_theta(y_w)
 * @param policyRejected lp_theta(y_l)
 * @param referenceChosen lp_ref(y_w)
 * @param referenceRejected lp_ref(y_l)
 * @param chosenLengths scored tokens of y_w (for length-normalised IPO)
 * @param rejectedLengths scored tokens of y_l
 */
public record PairLogProbs(NDArray policyChosen, NDArray policyRejected, NDArray referenceChosen,
        NDArray referenceRejected, NDArray chosenLengths, NDArray rejectedLengths) {

    /** lp_theta(y_w) - lp_ref(y_w). */
    public NDArray chosenLogRatios() {
        return policyChosen.sub(referenceChosen);
    }

    /** lp_theta(y_l) - lp_ref(y_l). */
    public NDArray rejectedLogRatios() {
        return policyRejected.sub(referenceRejected);
    }

    /** h = [lp_theta(y_w) - lp_ref(y_w)] - [lp_theta(y_l) - lp_ref(y_l)]. */
    public NDArray margin() {
        return chosenLogRatios().sub(rejectedLogRatios());
    }
}
