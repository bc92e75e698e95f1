package dev.tralign.trainer;

import dev.tralign.trainer.reference.ReferenceUpdate;
import dev.tralign.trainer.step.MicroBatchResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one micro-batch did, with the optimizer step it completed if any (as {@code AlignmentTrainer.train} and
 * {@code stepPairs/stepFeedback/stepSft} report it). With gradient accumulation a micro-batch that only accumulated
 * has {@code gradNorm = NaN} and metric {@code optimizer_step = 0}.
 *
 * @param step optimizer steps taken so far (after this call)
 * @param loss this micro-batch's mean loss
 * @param gradNorm global gradient norm before clipping, or NaN when no optimizer step ran
 * @param learningRate learning rate of the optimizer step this micro-batch belongs to
 * @param tokens real (non-padding) tokens fed through the policy
 * @param metrics TRL names: rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies, logps/chosen,
 *     logps/rejected, logits/chosen, logits/rejected; kl for KTO; learning_rate, and grad_norm when this micro-batch
 *     completed an optimizer step; plus optimizer_step, truncated_prompts, truncated_completions
 * @param referenceUpdate the trust-region update this step triggered, if any
 */
public record StepResult(long step, double loss, double gradNorm, double learningRate, int tokens,
        Map<String, Double> metrics, Optional<ReferenceUpdate> referenceUpdate) {

    /** A micro-batch that only accumulated: no optimizer step yet ({@code step} steps so far). */
    public static StepResult accumulated(MicroBatchResult microBatch, long step, double learningRate) {
        return of(microBatch, step, Double.NaN, learningRate, Optional.empty());
    }

    /** The micro-batch that completed {@code optimizerStep}, and the reference update that followed it, if any. */
    public static StepResult completed(MicroBatchResult microBatch, OptimizerStep optimizerStep,
            Optional<ReferenceUpdate> referenceUpdate) {
        return of(microBatch, optimizerStep.step(), optimizerStep.gradNorm(), optimizerStep.learningRate(),
                referenceUpdate);
    }

    private static StepResult of(MicroBatchResult microBatch, long step, double gradNorm, double learningRate,
            Optional<ReferenceUpdate> referenceUpdate) {
        Map<String, Double> metrics = new LinkedHashMap<>(microBatch.metrics());
        metrics.put("learning_rate", learningRate);
        if (!Double.isNaN(gradNorm)) {
            metrics.put("grad_norm", gradNorm);
        }
        metrics.put("optimizer_step", Double.isNaN(gradNorm) ? 0.0 : 1.0);
        metrics.put("truncated_prompts", (double) microBatch.truncatedPrompts());
        metrics.put("truncated_completions", (double) microBatch.truncatedCompletions());
        return new StepResult(step, microBatch.loss(), gradNorm, learningRate, microBatch.tokens(),
                Map.copyOf(metrics), referenceUpdate);
    }
}
