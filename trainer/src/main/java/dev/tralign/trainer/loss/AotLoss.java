package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * Alignment via Optimal Transport (Melnyk et al. 2024, "Distributional Preference Alignment of LLMs via Optimal
 * Transport", arXiv 2406.05882; TRL loss_types "aot" and "aot_unpaired"). The batch's values are sorted before they
 * are compared, which matches the quantiles of two distributions (first-order stochastic dominance):
 * <ul>
 *   <li>paired ("aot"): {@code d = sort_batch(lp_theta(y_w) - lp_theta(y_l)) - sort_batch(lp_ref(y_w) -
 *       lp_ref(y_l))};</li>
 *   <li>unpaired ("aot_unpaired"): {@code d = sort_batch(r_w) - sort_batch(r_l)} with {@code r = lp_theta - lp_ref}.
 *   </li>
 * </ul>
 * {@code loss_i = (1 - eps) * softplus(-beta * d_i) + eps * softplus(beta * d_i)}, eps = label_smoothing. Plain
 * log-probs: TRL applies no f-divergence here. Element i of the losses belongs to the i-th quantile, not to pair i,
 * so the loss is not per pair ({@link #perPair()} is false): a micro-batch is never split.
 */
public final class AotLoss implements PairLoss {

    private final double beta;
    private final double epsilon;
    private final boolean paired;

    /** @param paired true for "aot", false for "aot_unpaired" */
    public AotLoss(double beta, double epsilon, boolean paired) {
        this.beta = beta;
        this.epsilon = epsilon;
        this.paired = paired;
    }

    @Override
    public boolean perPair() {
        return false;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        NDArray d;
        if (paired) {
            d = in.policyChosen().sub(in.policyRejected()).sort(0)
                    .sub(in.referenceChosen().sub(in.referenceRejected()).sort(0));
        } else {
            d = in.chosenLogRatios().sort(0).sub(in.rejectedLogRatios().sort(0));
        }
        NDArray logits = Scalars.times(d, beta);
        NDArray losses = Scalars.times(LogSigmoid.negLogSigmoid(logits), 1 - epsilon)
                .add(Scalars.times(LogSigmoid.negLogSigmoidOfNeg(logits), epsilon));
        return PairLoss.withRewards(beta, in, losses);
    }
}
