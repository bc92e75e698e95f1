package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * Anchored Preference Optimization (D'Oosterlinck et al. 2024, "Anchored Preference Optimization and Contrastive
 * Revisions", arXiv 2408.06266; TRL loss_types "apo_zero" and "apo_down"), with {@code r = lp_theta - lp_ref}:
 * <ul>
 *   <li>APO-zero (eq. 7, chosen outputs better than the model's): {@code loss = (1 - sigmoid(beta * r_w)) +
 *       sigmoid(beta * r_l)}; raises the chosen likelihood and lowers the rejected one. Plain log-ratios.</li>
 *   <li>APO-down (eq. 8, chosen outputs worse than the model's): {@code loss = sigmoid(beta * r_w) +
 *       (1 - sigmoid(beta * delta))}, delta = s_w - s_l ({@link FDivergence}; TRL applies it to this term only);
 *       lowers both, the rejected one more.</li>
 * </ul>
 */
public final class ApoLoss implements PairLoss {

    private final double beta;
    private final boolean down;
    private final FDivergence f;

    /** @param down false for "apo_zero", true for "apo_down" */
    public ApoLoss(double beta, boolean down, FDivergence f) {
        this.beta = beta;
        this.down = down;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        NDArray chosen = Activation.sigmoid(Scalars.times(in.chosenLogRatios(), beta));
        NDArray losses;
        if (down) {
            NDArray margin = Activation.sigmoid(Scalars.times(PairScores.of(in, f).delta(), beta));
            losses = chosen.add(Scalars.subtractedFrom(1.0, margin));
        } else {
            NDArray rejected = Activation.sigmoid(Scalars.times(in.rejectedLogRatios(), beta));
            losses = Scalars.subtractedFrom(1.0, chosen).add(rejected);
        }
        return PairLoss.withRewards(beta, in, losses);
    }
}
