package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.tralign.trainer.model.Scalars;

/**
 * DiscoPOP, the log-ratio modulated loss (Chris Lu et al. 2024, "Discovering Preference Optimization Algorithms with
 * and for Large Language Models", arXiv 2406.08414, eq. 5; TRL loss_type "discopop"): with {@code x = beta * delta}
 * (delta = s_w - s_l, {@link FDivergence}) and {@code m = sigmoid(x / tau)},
 * {@code loss = (1 - m) * softplus(-x) + m * exp(-x)}: logistic where the policy is wrong, exponential where it is
 * right. The exponential term is evaluated as {@code exp(-x - softplus(-x/tau))} (= {@code m * exp(-x)}), so a very
 * negative x gives a large finite loss instead of {@code inf * 0 = NaN}; tau = discopop_tau (paper and TRL: 0.05).
 */
public final class DiscoPopLoss implements PairLoss {

    private final double beta;
    private final double tau;
    private final FDivergence f;

    public DiscoPopLoss(double beta, double tau, FDivergence f) {
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("discopopTau must be finite and > 0 (the paper's 0.05), got " + tau);
        }
        this.beta = beta;
        this.tau = tau;
        this.f = f;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        NDArray x = Scalars.times(PairScores.of(in, f).delta(), beta);
        NDArray scaled = Scalars.dividedBy(x, tau);
        NDArray logistic = LogSigmoid.negLogSigmoid(x).mul(Activation.sigmoid(scaled.neg()));
        NDArray exponential = x.neg().sub(Activation.softPlus(scaled.neg())).exp();
        return PairLoss.withRewards(beta, in, logistic.add(exponential));
    }
}
