package dev.tralign.trainer.loss;

import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * DPO (Rafailov et al. 2023, arXiv 2305.18290; TRL loss_type "sigmoid"):
 * {@code loss = -log sigmoid(beta * h) = softplus(-beta * h)} with
 * {@code h = [lp_theta(y_w) - lp_ref(y_w)] - [lp_theta(y_l) - lp_ref(y_l)]}.
 * Written as softplus, which libtorch evaluates without overflow for any beta * h.
 */
public final class SigmoidLoss implements PairLoss {

    private final double beta;

    public SigmoidLoss(double beta) {
        this.beta = beta;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        return PairLoss.withRewards(beta, in, Activation.softPlus(Scalars.times(in.margin(), -beta)));
    }
}
