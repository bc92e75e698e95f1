package dev.tralign.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The end of every shared-prompt pair forward ({@link SharedPromptPairs}), whatever the model: the first completion
 * token is scored from its prompt's last hidden state, the others from the completion block, and each row's scored
 * log-probs are summed. Only the head differs between models.
 */
public final class PairBatchScores {

    private PairBatchScores() {
    }

    /**
     * Summed completion log-probs [2B] (chosen rows, then rejected) and, with {@code withLogitSums}, each row's summed
     * mean logit ({@link RowScores#logitSums}); the log-probs take the same operations either way.
     *
     * @param promptHidden hidden states of the prompt block [B, promptWidth, E]
     * @param completionHidden hidden states of the completion block [2B, completionWidth, E]
     * @param head hidden states to logits
     */
    public static RowScores of(PairBatch b, NDArray promptHidden, NDArray completionHidden,
            UnaryOperator<NDArray> head, NDManager m, boolean withLogitSums) {
        long pairs = b.pairs();
        long rows = 2 * pairs;
        long w = b.completionWidth();
        NDArray last = gatherPositions(promptHidden, b.promptLast(), m);
        NDArray firstLogits = head.apply(last);
        NDArray firstMask = m.create(b.firstMask(), new Shape(pairs, 2));
        NDArray firstLogProbs = firstLogits.logSoftmax(2).squeeze(1)
                .gather(m.create(b.firstTargets(), new Shape(pairs, 2)), 1)
                .mul(firstMask);
        NDArray first = firstLogProbs.transpose(1, 0).reshape(rows);
        NDArray completionLogits = head.apply(completionHidden);
        NDArray completionMask = m.create(b.completionMask(), new Shape(rows, w));
        NDArray rest = completionLogits.logSoftmax(2)
                .gather(m.create(b.completionTargets(), new Shape(rows, w)).expandDims(2), 2).squeeze(2)
                .mul(completionMask).sum(new int[] {1});
        if (!withLogitSums) {
            return new RowScores(first.add(rest), null);
        }
        // The first token's mean logit [B, 1] counts for chosen and rejected where each has a first token.
        NDArray firstLogitSums = firstLogits.stopGradient().squeeze(1).mean(new int[] {1}).expandDims(1)
                .mul(firstMask).transpose(1, 0).reshape(rows);
        return new RowScores(first.add(rest),
                firstLogitSums.add(RowScores.logitSums(completionLogits, completionMask)));
    }

    /** hidden[r, positions[r], :] as [N, 1, E] (also each prompt's last state when decoding starts). */
    public static NDArray gatherPositions(NDArray hidden, long[] positions, NDManager m) {
        int e = Math.toIntExact(hidden.getShape().get(2));
        long[] index = new long[positions.length * e];
        for (int i = 0; i < positions.length; i++) {
            Arrays.fill(index, i * e, (i + 1) * e, positions[i]);
        }
        return hidden.gather(m.create(index, new Shape(positions.length, 1, e)), 1);
    }
}
