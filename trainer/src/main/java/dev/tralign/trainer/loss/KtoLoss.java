package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * Unpaired thumbs up/down, TRL's KTOTrainer loss types. KTO (Ethayarajh et al. 2024, arXiv 2402.01306,
 * loss_type "kto"):
 * {@code r = lp_theta(y|x) - lp_ref(y|x)};
 * {@code z = max(0, mean_batch[lp_theta(y'|x) - lp_ref(y'|x)])} over mismatched pairs (completions rotated by one
 * within the batch), detached;
 * desirable: {@code lambda_D * (1 - sigmoid(beta * (r - z)))}; undesirable:
 * {@code lambda_U * (1 - sigmoid(beta * (z - r)))}.
 * Unpaired APO-zero (D'Oosterlinck et al. 2024, arXiv 2408.06266, eq. 7 unpaired; loss_type "apo_zero_unpaired"): no
 * reference point (z = 0, and the mismatched log-probs are not needed), desirable {@code lambda_D * (1 -
 * sigmoid(beta * r))}, undesirable {@code lambda_U * sigmoid(beta * r)}.
 */
public final class KtoLoss {

    private final double beta;
    private final double desirableWeight;
    private final double undesirableWeight;
    private final boolean apoZero;

    public KtoLoss(double beta, double desirableWeight, double undesirableWeight) {
        this(beta, desirableWeight, undesirableWeight, false);
    }

    /** @param apoZero true for "apo_zero_unpaired", false for "kto" */
    public KtoLoss(double beta, double desirableWeight, double undesirableWeight, boolean apoZero) {
        this.beta = beta;
        this.desirableWeight = desirableWeight;
        this.undesirableWeight = undesirableWeight;
        this.apoZero = apoZero;
    }

    /** False for apo_zero_unpaired: it has no KL reference point, so the mismatched forwards can be skipped. */
    public boolean needsMismatched() {
        return !apoZero;
    }

    public KtoOutput compute(FeedbackLogProbs in) {
        NDArray r = in.policy().sub(in.reference());
        if (apoZero) {
            NDArray desirableLosses = Scalars.times(
                    Scalars.subtractedFrom(1.0, Activation.sigmoid(Scalars.times(r, beta))), desirableWeight);
            NDArray undesirableLosses = Scalars.times(Activation.sigmoid(Scalars.times(r, beta)), undesirableWeight);
            NDArray d = in.desirable();
            NDArray losses = desirableLosses.mul(d).add(undesirableLosses.mul(Scalars.subtractedFrom(1.0, d)));
            return new KtoOutput(losses, Scalars.times(r, beta).stopGradient(), r.getManager().zeros(new Shape(),
                    r.getDataType()));
        }
        NDArray z = Scalars.atLeast(in.policyMismatched().sub(in.referenceMismatched()).mean(), 0).stopGradient();
        NDArray desirableLosses = Scalars.times(
                Scalars.subtractedFrom(1.0, Activation.sigmoid(Scalars.times(r.sub(z), beta))), desirableWeight);
        NDArray undesirableLosses = Scalars.times(
                Scalars.subtractedFrom(1.0, Activation.sigmoid(Scalars.times(z.sub(r), beta))), undesirableWeight);
        NDArray d = in.desirable();
        NDArray losses = desirableLosses.mul(d).add(undesirableLosses.mul(Scalars.subtractedFrom(1.0, d)));
        return new KtoOutput(losses, Scalars.times(r, beta).stopGradient(), z);
    }
}
