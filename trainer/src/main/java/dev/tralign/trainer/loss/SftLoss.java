package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * Supervised fine-tuning: mean negative log-likelihood per completion token over the whole batch,
 * {@code loss = -sum_i lp(y_i|x_i) / sum_i |y_i|} (the token-weighted mean of Hugging Face's causal-LM loss).
 */
public final class SftLoss {

    /** @param sequenceLogProbs [B] summed completion log-probs; @param tokenCount scored tokens in the batch */
    public NDArray compute(NDArray sequenceLogProbs, int tokenCount) {
        return Scalars.dividedBy(sequenceLogProbs.sum().neg(), Math.max(1, tokenCount));
    }
}
