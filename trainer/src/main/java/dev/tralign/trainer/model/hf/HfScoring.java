package dev.tralign.trainer.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.ParameterSet;

/** One sequence scored as a DPO trainer scores it: next-token log-probs, the completion's sum, the last logits. */
public final class HfScoring {

    private HfScoring() {
    }

    /**
     * @param tokenLogProbs t = 0..L-2: log p(ids[t+1] | ids[..t])
     * @param completionLogProbSum sum over t with t + 1 >= promptLength: log p(completion | prompt)
     * @param lastLogits logits after the last token [V]
     */
    public record Scores(double[] tokenLogProbs, double completionLogProbSum, float[] lastLogits) {
    }

    public static Scores score(HfDecoder model, ParameterSet params, long[] ids, int promptLength) {
        if (ids.length < 1 || promptLength < 0 || promptLength > ids.length) {
            throw new IllegalArgumentException("need at least one id and 0 <= prompt length <= " + ids.length
                    + ", got prompt length " + promptLength);
        }
        return Autograd.withGrad(false, () -> {
            try (NDManager m = model.newStepManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray logits = model.logits(params, m.create(ids, new Shape(1, ids.length))).squeeze(0);
                float[] logProbs = logits.logSoftmax(1).toFloatArray();
                float[] last = logits.get(new NDIndex("{}", ids.length - 1)).toFloatArray();
                int v = model.config().vocabSize();
                double[] tokens = new double[ids.length - 1];
                double sum = 0;
                for (int t = 0; t + 1 < ids.length; t++) {
                    tokens[t] = logProbs[t * v + (int) ids[t + 1]];
                    if (t + 1 >= promptLength) {
                        sum += tokens[t];
                    }
                }
                return new Scores(tokens, sum, last);
            }
        });
    }
}
