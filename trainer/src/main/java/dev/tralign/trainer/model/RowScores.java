package dev.tralign.trainer.model;

import ai.djl.ndarray.NDArray;

/**
 * A forward's scores per row: summed completion log-probs, and (when asked for) the summed mean-over-vocabulary
 * logit of the scored completion tokens, TRL's {@code logits/chosen} and {@code logits/rejected} before the division
 * by the token count.
 *
 * @param logProbs summed completion log-probs [N]
 * @param logitSums sum over the row's scored tokens of mean_v logits[t, v], detached from the graph [N]; null when
 *     not asked for
 */
public record RowScores(NDArray logProbs, NDArray logitSums) {

    /**
     * Sum over masked positions of each position's mean logit, detached: a metric only, so the loss's graph (and
     * its gradients) are exactly those of the log-probs.
     *
     * @param logits [N, W, V]
     * @param mask [N, W], 1 where a completion token is scored
     */
    public static NDArray logitSums(NDArray logits, NDArray mask) {
        return logits.stopGradient().mean(new int[] {2}).mul(mask).sum(new int[] {1});
    }
}
