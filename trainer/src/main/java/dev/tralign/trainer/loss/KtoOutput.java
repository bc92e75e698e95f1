package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * What the KTO loss returns.
 *
 * @param losses per-example loss [B] (the trainer minimises the mean)
 * @param rewards beta * log-ratio per example [B], detached
 * @param kl the detached reference point z (scalar)
 */
public record KtoOutput(NDArray losses, NDArray rewards, NDArray kl) {
}
