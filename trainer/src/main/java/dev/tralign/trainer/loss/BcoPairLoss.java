package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * BCO, pairwise (Jung et al. 2024, "Binary Classifier Optimization for Large Language Model Alignment",
 * arXiv 2404.04656; TRL loss_type "bco_pair"): chosen and rejected scored as two binary classifications,
 * {@code loss = -log sigmoid(beta * s_w) - log sigmoid(-beta * s_l) = softplus(-beta*s_w) + softplus(beta*s_l)}
 * ({@link FDivergence} scores). TRL main (f2cd577) has no reward shift here: the running mean of rewards that older
 * TRL subtracted is gone, so this loss keeps no state between steps.
 */
public final class BcoPairLoss implements PairLoss {

    private final double beta;
    private final FDivergence f;

    public BcoPairLoss(double beta, FDivergence f) {
        this.beta = beta;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        PairScores s = PairScores.of(in, f);
        NDArray losses = LogSigmoid.negLogSigmoid(Scalars.times(s.chosen(), beta))
                .add(LogSigmoid.negLogSigmoidOfNeg(Scalars.times(s.rejected(), beta)));
        return PairLoss.withRewards(beta, in, losses);
    }
}
