package dev.tralign.trainer.loss;

import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * SLiC hinge (Zhao et al. 2023, arXiv 2305.10425; TRL loss_type "hinge"):
 * {@code loss = max(0, 1 - beta * delta)}, delta = s_w - s_l ({@link FDivergence}); beta acts as the inverse margin.
 */
public final class HingeLoss implements PairLoss {

    private final double beta;
    private final FDivergence f;

    public HingeLoss(double beta) {
        this(beta, FDivergence.reverseKl());
    }

    public HingeLoss(double beta, FDivergence f) {
        this.beta = beta;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        return PairLoss.withRewards(beta, in,
                Activation.relu(Scalars.plus(Scalars.times(PairScores.of(in, f).delta(), -beta), 1.0)));
    }
}
