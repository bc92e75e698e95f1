package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * Robust DPO (Chowdhury et al. 2024, "Provably Robust DPO", arXiv 2403.00409; TRL loss_type "robust"): an unbiased
 * loss under preference labels flipped with probability eps = label_smoothing in [0, 0.5):
 * {@code loss = [(1 - eps) * softplus(-beta*delta) - eps * softplus(beta*delta)] / (1 - 2*eps)}
 * (delta = s_w - s_l, {@link FDivergence}). Unlike conservative DPO ({@link LabelSmoothingLoss}) the flipped term is
 * subtracted, so the loss can be negative.
 */
public final class RobustLoss implements PairLoss {

    private final double beta;
    private final double epsilon;
    private final FDivergence f;

    public RobustLoss(double beta, double epsilon, FDivergence f) {
        if (!(epsilon >= 0 && epsilon < 0.5)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 0.5) for lossType=robust (the flip "
                    + "probability; the Robust DPO paper suggests 0.1), got " + epsilon);
        }
        this.beta = beta;
        this.epsilon = epsilon;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        NDArray logits = Scalars.times(PairScores.of(in, f).delta(), beta);
        NDArray clean = Scalars.times(LogSigmoid.negLogSigmoid(logits), 1 - epsilon);
        NDArray flipped = Scalars.times(LogSigmoid.negLogSigmoidOfNeg(logits), epsilon);
        return PairLoss.withRewards(beta, in, Scalars.dividedBy(clean.sub(flipped), 1 - 2 * epsilon));
    }
}
