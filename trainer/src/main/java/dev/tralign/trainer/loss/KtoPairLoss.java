package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

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

    /** The KL reference points are means over the whole batch (not detached): a split batch would change them. */
    @Override
    public boolean perPair() {
        return false;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        NDArray chosen = in.chosenLogRatios();
        NDArray rejected = in.rejectedLogRatios();
        NDArray chosenKl = Scalars.atLeast(chosen.mean(), 0);
        NDArray rejectedKl = Scalars.atLeast(rejected.mean(), 0);
        NDArray chosenLosses = Scalars.subtractedFrom(1.0,
                Activation.sigmoid(Scalars.times(chosen.sub(rejectedKl), beta)));
        NDArray rejectedLosses = Scalars.subtractedFrom(1.0,
                Activation.sigmoid(Scalars.times(chosenKl.sub(rejected), beta)));
        return PairLoss.withRewards(beta, in, Scalars.times(chosenLosses.add(rejectedLosses), 0.5));
    }
}
