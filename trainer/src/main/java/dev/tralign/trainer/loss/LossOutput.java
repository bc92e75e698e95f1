package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * What a preference loss returns, all shaped [B].
 *
 * @param losses per-example loss (the trainer minimises their mean)
 * @param chosenRewards implicit rewards beta * log-ratio of the chosen completion, detached
 * @param rejectedRewards the same for the rejected completion, detached
 */
public record LossOutput(NDArray losses, NDArray chosenRewards, NDArray rejectedRewards) {
}
