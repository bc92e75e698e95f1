package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * SPPO with hard labels (Wu et al. 2024, "Self-Play Preference Optimization", arXiv 2405.00675, eq. 4.7 with
 * P = 1 for the winner and 0 for the loser; TRL loss_type "sppo_hard"):
 * {@code loss = (s_w - 1/(2*beta))^2 + (s_l + 1/(2*beta))^2} ({@link FDivergence} scores).
 */
public final class SppoHardLoss implements PairLoss {

    private final double beta;
    private final FDivergence f;

    public SppoHardLoss(double beta, FDivergence f) {
        this.beta = beta;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        PairScores s = PairScores.of(in, f);
        NDArray winner = Scalars.minus(s.chosen(), 0.5 / beta).square();
        NDArray loser = Scalars.plus(s.rejected(), 0.5 / beta).square();
        return PairLoss.withRewards(beta, in, winner.add(loser));
    }
}
