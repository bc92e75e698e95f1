package dev.tralign.trainer.loss;

import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * DPO (Rafailov et al. 2023, arXiv 2305.18290; TRL loss_type "sigmoid"):
 * {@code loss = -log sigmoid(beta * delta) = softplus(-beta * delta)} with {@code delta = s_w - s_l}, the scores of
 * {@link FDivergence} (under reverse KL {@code delta = h = [lp_theta(y_w) - lp_ref(y_w)] - [lp_theta(y_l) -
 * lp_ref(y_l)]}). Written as softplus, which libtorch evaluates without overflow for any beta * delta. No label
 * smoothing: current TRL ignores it here; conservative DPO is {@link LabelSmoothingLoss}.
 */
public final class SigmoidLoss implements PairLoss {

    private final double beta;
    private final FDivergence f;

    public SigmoidLoss(double beta) {
        this(beta, FDivergence.reverseKl());
    }

    public SigmoidLoss(double beta, FDivergence f) {
        this.beta = beta;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        return PairLoss.withRewards(beta, in,
                Activation.softPlus(Scalars.times(PairScores.of(in, f).delta(), -beta)));
    }
}
