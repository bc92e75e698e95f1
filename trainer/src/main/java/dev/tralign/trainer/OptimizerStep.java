package dev.tralign.trainer;

/**
 * What {@link AlignmentTrainer#optimizerStep()} did.
 *
 * @param step optimizer steps taken so far, this one included (1-based)
 * @param gradNorm global gradient norm before clipping
 * @param learningRate the learning rate this step used
 */
public record OptimizerStep(long step, double gradNorm, double learningRate) {
}
