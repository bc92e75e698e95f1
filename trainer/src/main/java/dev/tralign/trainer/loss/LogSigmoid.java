package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** {@code -log sigmoid(x) = softplus(-x)} and {@code -log sigmoid(-x) = softplus(x)}, finite for any x. */
final class LogSigmoid {

    private LogSigmoid() {
    }

    /** {@code -log sigmoid(x)}. */
    static NDArray negLogSigmoid(NDArray x) {
        return Activation.softPlus(x.neg());
    }

    /** {@code -log sigmoid(-x) = -log(1 - sigmoid(x))}. */
    static NDArray negLogSigmoidOfNeg(NDArray x) {
        return Activation.softPlus(x);
    }
}
