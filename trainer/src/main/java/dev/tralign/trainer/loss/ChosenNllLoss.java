package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * The SFT term of a preference loss (TRL DPOTrainer loss_type "sft"; with sigmoid it is RPO, Pang et al. 2024,
 * arXiv 2404.19733; with sigmoid and bco_pair MPO): the negative log-likelihood of the chosen completions, averaged
 * over their tokens across the micro-batch, {@code L = -sum_i lp_theta(y_w,i) / sum_i |y_w,i|} (TRL: cross-entropy
 * over the chosen completion tokens). It is returned per pair as {@code -lp_theta(y_w,i) / mean_j |y_w,j|}, whose
 * batch mean is L; with {@link PairLogProbs#batchMeanChosenLength()} set to the whole micro-batch's mean, a shard's
 * per-pair values sum to its share of L, so the loss splits into shards exactly. A batch with no chosen token gives
 * 0 (the batch's token count is clamped at 1, so a shard's caller passes {@code max(tokens, 1) / pairs}).
 */
public final class ChosenNllLoss implements PairLoss {

    private final double beta;

    /** @param beta only for the reported rewards, {@code beta * log-ratio} as every paired loss */
    public ChosenNllLoss(double beta) {
        this.beta = beta;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        double meanLength = in.batchMeanChosenLength();
        NDArray nll = in.policyChosen().neg();
        NDArray losses;
        if (Double.isNaN(meanLength)) {
            long pairs = in.policyChosen().getShape().get(0);
            NDArray tokens = Scalars.atLeast(in.chosenLengths().sum(), 1);
            losses = Scalars.times(nll.div(tokens), pairs);
        } else {
            losses = Scalars.dividedBy(nll, meanLength);
        }
        return PairLoss.withRewards(beta, in, losses);
    }
}
