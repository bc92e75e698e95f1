package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * Per-pair summed completion log-probs, all shaped [B]. Reference values carry no gradient.
 *
 * @param policyChosen lp_theta(y_w)
 * @param policyRejected lp_theta(y_l)
 * @param referenceChosen lp_ref(y_w)
 * @param referenceRejected lp_ref(y_l)
 * @param chosenLengths scored tokens of y_w (length-normalised losses, the SFT term)
 * @param rejectedLengths scored tokens of y_l
 * @param batchMeanChosenLength scored chosen tokens per pair over the WHOLE micro-batch, when these arrays are one
 *     shard of it (the SFT term's token mean spans the micro-batch); NaN: these arrays are the whole micro-batch
 */
public record PairLogProbs(NDArray policyChosen, NDArray policyRejected, NDArray referenceChosen,
        NDArray referenceRejected, NDArray chosenLengths, NDArray rejectedLengths, double batchMeanChosenLength) {

    /** Arrays that are a whole micro-batch. */
    public PairLogProbs(NDArray policyChosen, NDArray policyRejected, NDArray referenceChosen,
            NDArray referenceRejected, NDArray chosenLengths, NDArray rejectedLengths) {
        this(policyChosen, policyRejected, referenceChosen, referenceRejected, chosenLengths, rejectedLengths,
                Double.NaN);
    }

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
