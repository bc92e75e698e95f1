package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * EXO-pref (Ji et al. 2024, "Towards Efficient Exact Optimization of Language Model Alignment", arXiv 2402.00856,
 * eq. 16; TRL loss_type "exo_pair"): the reverse KL from the policy's pairwise distribution
 * {@code q = softmax(beta * [s_w, s_l])} to the smoothed label {@code p = [1 - eps, eps]}:
 * {@code loss = q_w * (log q_w - log(1 - eps)) + q_l * (log q_l - log eps)} with {@code q_w = sigmoid(beta*delta)},
 * {@code q_l = sigmoid(-beta*delta)}, {@code log q_w = -softplus(-beta*delta)}, {@code log q_l = -softplus(beta*delta)}.
 * eps = label_smoothing must be in (0, 1) (TRL refuses 0; the paper uses 1e-3).
 */
public final class ExoPairLoss implements PairLoss {

    private final double beta;
    private final double epsilon;
    private final FDivergence f;

    public ExoPairLoss(double beta, double epsilon, FDivergence f) {
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in (0, 1) for lossType=exo_pair (the EXO paper "
                    + "recommends 1e-3), got " + epsilon);
        }
        this.beta = beta;
        this.epsilon = epsilon;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        NDArray logits = Scalars.times(PairScores.of(in, f).delta(), beta);
        NDArray logQw = LogSigmoid.negLogSigmoid(logits).neg();
        NDArray logQl = LogSigmoid.negLogSigmoidOfNeg(logits).neg();
        // TRL takes log(1 - eps) and log(eps) of float32 tensors: the same float32 values here, whatever the dtype.
        NDArray chosen = Activation.sigmoid(logits).mul(Scalars.minus(logQw, (float) Math.log1p(-epsilon)));
        NDArray rejected = Activation.sigmoid(logits.neg()).mul(Scalars.minus(logQl, (float) Math.log(epsilon)));
        return PairLoss.withRewards(beta, in, chosen.add(rejected));
    }
}
