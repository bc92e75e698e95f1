package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

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
        NDArray z = in.policyMismatched().sub(in.referenceMismatched()).mean().maximum(0f).stopGradient();
        NDArray r = in.policy().sub(in.reference());
        NDArray desirableLosses = Activation.sigmoid(r.sub(z).mul(beta)).neg().add(1.0).mul(desirableWeight);
        NDArray undesirableLosses = Activation.sigmoid(z.sub(r).mul(beta)).neg().add(1.0).mul(undesirableWeight);
        NDArray d = in.desirable();
        NDArray losses = desirableLosses.mul(d).add(undesirableLosses.mul(d.neg().add(1.0)));
        return new KtoOutput(losses, r.mul(beta).stopGradient(), z);
    }
}
