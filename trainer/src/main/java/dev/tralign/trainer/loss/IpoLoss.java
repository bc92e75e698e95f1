package dev.tralign.trainer.loss;

import dev.tralign.trainer.model.Scalars;

/**
 * IPO (Azar et al. 2023, arXiv 2310.12036, eq. 17; TRL loss_type "ipo"):
 * {@code loss = (s_w/|y_w| - s_l/|y_l| - 1/(2*beta))^2}, scores ({@link FDivergence}) divided by the completion
 * lengths (clamped at 1) inside the loss, as TRL does (the IPO authors' normalisation). The rewards are
 * {@code beta * log-ratio} on SUMMED log-probs, like every TRL loss. The older meaning with per-token rewards is
 * {@link LegacyIpoLoss}.
 */
public final class IpoLoss implements PairLoss {

    private final double beta;
    private final FDivergence f;

    public IpoLoss(double beta, FDivergence f) {
        this.beta = beta;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        return PairLoss.withRewards(beta, in,
                Scalars.minus(PairScores.perTokenDelta(in, f), 1.0 / (2.0 * beta)).square());
    }
}
