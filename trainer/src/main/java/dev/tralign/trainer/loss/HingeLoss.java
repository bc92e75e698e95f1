package dev.tralign.trainer.loss;

import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * SLiC hinge (Zhao et al. 2023, arXiv 2305.10425; TRL loss_type "hinge"):
 * {@code loss = max(0, 1 - beta * h)}; beta acts as the inverse margin.
 */
public final class HingeLoss implements PairLoss {

    private final double beta;

    public HingeLoss(double beta) {
        this.beta = beta;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        return PairLoss.withRewards(beta, in, Activation.relu(Scalars.plus(Scalars.times(in.margin(), -beta), 1.0)));
    }
}
