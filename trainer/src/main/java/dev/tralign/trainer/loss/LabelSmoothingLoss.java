package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * Conservative DPO (cDPO, Mitchell 2023; TRL loss_type "sigmoid" with label_smoothing = eps): the preference
 * label is assumed flipped with probability eps,
 * {@code loss = (1 - eps) * softplus(-beta * h) + eps * softplus(beta * h)}.
 * With eps = 0 it equals {@link SigmoidLoss}; with eps = 0.5 it is symmetric and has zero gradient at h = 0.
 */
public final class LabelSmoothingLoss implements PairLoss {

    private final double beta;
    private final double epsilon;

    public LabelSmoothingLoss(double beta, double epsilon) {
        if (epsilon < 0 || epsilon > 0.5) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 0.5], got " + epsilon);
        }
        this.beta = beta;
        this.epsilon = epsilon;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        NDArray scaled = Scalars.times(in.margin(), beta);
        NDArray losses = Scalars.times(Activation.softPlus(scaled.neg()), 1 - epsilon)
                .add(Scalars.times(Activation.softPlus(scaled), epsilon));
        return PairLoss.withRewards(beta, in, losses);
    }
}
