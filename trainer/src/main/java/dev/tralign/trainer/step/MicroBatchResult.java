package dev.tralign.trainer.step;

import java.util.Map;

/**
 * What one micro-batch contributed to the optimizer step being accumulated.
 *
 * @param loss this micro-batch's mean loss (SFT: mean NLL per scored token)
 * @param tokens real (non-padding) tokens fed through the policy
 * @param truncatedPrompts prompts cut to fit the model's window
 * @param truncatedCompletions completions cut to fit the model's window
 * @param metrics the objective's metrics under TRL's names (rewards/chosen, logps/rejected, kl, nll_per_token, ...)
 */
public record MicroBatchResult(double loss, int tokens, int truncatedPrompts, int truncatedCompletions,
        Map<String, Double> metrics) {

    public MicroBatchResult {
        metrics = Map.copyOf(metrics);
    }
}
