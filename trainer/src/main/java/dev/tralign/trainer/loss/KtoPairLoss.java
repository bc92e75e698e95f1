package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Paired KTO (the "kto_pair" loss of TRL's DPOTrainer, HALOs paper eqn. 7, Ethayarajh et al. 2024): with
 * {@code r_w = lp_theta(y_w) - lp_ref(y_w)}, {@code r_l} likewise,
 * {@code KL_w = max(0, mean_batch r_w)}, {@code KL_l = max(0, mean_batch r_l)}:
 * chosen half {@code 1 - sigmoid(beta * (r_w - KL_l))}, rejected half {@code 1 - sigmoid(beta * (KL_w - r_l))}.
 * TRL concatenates both halves (2B losses) and takes the mean; here the per-pair loss is the mean of its two
 * halves, which has the same batch mean. As in TRL the KL terms are not detached.
 */
public final class KtoPairLoss implements PairLoss {

    private final double beta;

    public KtoPairLoss(double beta) {
        this.beta = beta;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        NDArray chosen = in.chosenLogRatios();
        NDArray rejected = in.rejectedLogRatios();
        NDArray chosenKl = chosen.mean().maximum(0f);
        NDArray rejectedKl = rejected.mean().maximum(0f);
        NDArray chosenLosses = Activation.sigmoid(chosen.sub(rejectedKl).mul(beta)).neg().add(1.0);
        NDArray rejectedLosses = Activation.sigmoid(chosenKl.sub(rejected).mul(beta)).neg().add(1.0);
        return PairLoss.withRewards(beta, in, chosenLosses.add(rejectedLosses).mul(0.5));
    }
}
