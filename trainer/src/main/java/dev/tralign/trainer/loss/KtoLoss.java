package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * KTO (Ethayarajh et al. 2024, arXiv 2402.01306; TRL KTOTrainer), unpaired thumbs up/down:
 * {@code r = lp_theta(y|x) - lp_ref(y|x)};
 * {@code z = max(0, mean_batch[lp_theta(y'|x) - lp_ref(y'|x)])} over mismatched pairs (completions rotated by one
 * within the batch), detached;
 * desirable: {@code lambda_D * (1 - sigmoid(beta * (r - z)))}; undesirable:
 * {@code lambda_U * (1 - sigmoid(beta * (z - r)))}.
 */
public final class KtoLoss {

    private final double beta;
    private final double desirableWeight;
    private final double undesirableWeight;

    public KtoLoss(double beta, double desirableWeight, double undesirableWeight) {
        this.beta = beta;
        this.desirableWeight = desirableWeight;
        this.undesirableWeight = undesirableWeight;
    }

    public KtoOutput compute(FeedbackLogProbs in) {
        NDArray z = Scalars.atLeast(in.policyMismatched().sub(in.referenceMismatched()).mean(), 0).stopGradient();
        NDArray r = in.policy().sub(in.reference());
        NDArray desirableLosses = Scalars.times(
                Scalars.subtractedFrom(1.0, Activation.sigmoid(Scalars.times(r.sub(z), beta))), desirableWeight);
        NDArray undesirableLosses = Scalars.times(
                Scalars.subtractedFrom(1.0, Activation.sigmoid(Scalars.times(z.sub(r), beta))), undesirableWeight);
        NDArray d = in.desirable();
        NDArray losses = desirableLosses.mul(d).add(undesirableLosses.mul(Scalars.subtractedFrom(1.0, d)));
        return new KtoOutput(losses, Scalars.times(r, beta).stopGradient(), z);
    }
}
