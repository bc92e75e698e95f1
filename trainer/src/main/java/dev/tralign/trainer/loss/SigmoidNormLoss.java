package dev.tralign.trainer.loss;

import dev.tralign.trainer.model.Scalars;

/**
 * Length-normalised DPO (TRL loss_type "sigmoid_norm"; the per-token average of SimPO, Meng et al. 2024,
 * arXiv 2405.14734, kept against a reference): {@code loss = softplus(-beta * (s_w/|y_w| - s_l/|y_l|))}, scores
 * ({@link FDivergence}) divided by the completion lengths clamped at 1.
 */
public final class SigmoidNormLoss implements PairLoss {

    private final double beta;
    private final FDivergence f;

    public SigmoidNormLoss(double beta, FDivergence f) {
        this.beta = beta;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        return PairLoss.withRewards(beta, in,
                LogSigmoid.negLogSigmoid(Scalars.times(PairScores.perTokenDelta(in, f), beta)));
    }
}
