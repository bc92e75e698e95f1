package dev.tralign.trainer;

import java.util.Map;
import java.util.Optional;

/**
 * What one call of {@code stepPairs/stepFeedback/stepSft} did. With gradient accumulation a call that only
 * accumulated has {@code gradNorm = NaN} and metric {@code optimizer_step = 0}.
 *
 * @param step optimizer steps taken so far (after this call)
 * @param loss this micro-batch's mean loss
 * @param gradNorm global gradient norm before clipping, or NaN when no optimizer step ran
 * @param learningRate learning rate of the optimizer step this micro-batch belongs to
 * @param tokens real (non-padding) tokens fed through the policy
 * @param metrics TRL names: rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies, logps/chosen,
 *     logps/rejected; kl for KTO; plus optimizer_step, truncated_prompts, truncated_completions
 * @param referenceUpdate the trust-region update this step triggered, if any
 */
public record StepResult(long step, double loss, double gradNorm, double learningRate, int tokens,
        Map<String, Double> metrics, Optional<ReferenceUpdate> referenceUpdate) {
}
