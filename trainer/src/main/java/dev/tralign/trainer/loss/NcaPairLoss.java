package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * NCA, pairwise (Chen et al. 2024, "Noise Contrastive Alignment of Language Models with Explicit Rewards",
 * arXiv 2402.05369; TRL loss_type "nca_pair"): with {@code r_w = beta * s_w}, {@code r_l = beta * s_l}
 * ({@link FDivergence} scores),
 * {@code loss = -log sigmoid(r_w) - 0.5 * log sigmoid(-r_w) - 0.5 * log sigmoid(-r_l)}
 * {@code = softplus(-r_w) + 0.5 * softplus(r_w) + 0.5 * softplus(r_l)}.
 */
public final class NcaPairLoss implements PairLoss {

    private final double beta;
    private final FDivergence f;

    public NcaPairLoss(double beta, FDivergence f) {
        this.beta = beta;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        PairScores s = PairScores.of(in, f);
        NDArray chosen = Scalars.times(s.chosen(), beta);
        NDArray rejected = Scalars.times(s.rejected(), beta);
        NDArray losses = LogSigmoid.negLogSigmoid(chosen)
                .add(Scalars.times(LogSigmoid.negLogSigmoidOfNeg(chosen), 0.5))
                .add(Scalars.times(LogSigmoid.negLogSigmoidOfNeg(rejected), 0.5));
        return PairLoss.withRewards(beta, in, losses);
    }
}
