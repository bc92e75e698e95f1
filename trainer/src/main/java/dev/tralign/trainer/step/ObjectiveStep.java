package dev.tralign.trainer.step;

/**
 * The forward, loss and backward of one training objective (pairs, unpaired feedback or SFT) for one micro-batch:
 * it collates the batch its own way, computes the loss and leaves the gradient (divided by the accumulation
 * count) in the policy's accumulators. It never takes the optimizer step.
 */
public interface ObjectiveStep {

    /**
     * Trains on one micro-batch; the gradient accumulates until {@code AlignmentTrainer.optimizerStep()}.
     *
     * @throws IllegalArgumentException when the batch does not fit this objective or the model (the message says
     *     what to change)
     * @throws dev.tralign.trainer.step.TrainingDivergedException when the loss is not finite (the accumulation is
     *     dropped)
     */
    MicroBatchResult accumulate(Batch batch);
}
