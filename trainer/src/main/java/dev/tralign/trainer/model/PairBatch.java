package dev.tralign.trainer.model;

/**
 * B preference pairs laid out so the shared prompt is computed once: a prompt block [B, promptWidth] (right
 * padded, regular positions) and a completion block [2B, completionWidth] (chosen rows 0..B-1, rejected rows
 * B..2B-1) whose positions continue after each row's prompt and whose attention sees its prompt's keys.
 * The first completion token is scored from the prompt's last hidden state; later ones from the completion block.
 *
 * @param pairs B
 * @param promptWidth longest kept prompt
 * @param completionWidth input positions of the completion block (longest completion minus one, at least 1)
 * @param promptIds [B, promptWidth]
 * @param promptLast [B] index of each prompt's last real token
 * @param firstTargets [B, 2]: first chosen token, first rejected token
 * @param firstMask [B, 2]: 1 where that completion is non-empty
 * @param completionIds [2B, completionWidth] completion tokens as inputs
 * @param completionPositions [2B, completionWidth] absolute positions (prompt length + t, clamped for padding)
 * @param completionTargets [2B, completionWidth] next completion tokens
 * @param completionMask [2B, completionWidth] 1 where the target is real
 * @param attentionMask [2B, 1, completionWidth, promptWidth + completionWidth] additive (0 or -inf)
 * @param completionLengths [2B] scored tokens per completion
 * @param tokenCount real tokens through the model (prompt once, completions)
 * @param truncatedPrompts pairs whose prompt lost tokens
 * @param truncatedCompletions completions that lost tokens
 */
public record PairBatch(int pairs, int promptWidth, int completionWidth, long[] promptIds, long[] promptLast,
        long[] firstTargets, float[] firstMask, long[] completionIds, long[] completionPositions,
        long[] completionTargets, float[] completionMask, float[] attentionMask, int[] completionLengths,
        int tokenCount, int truncatedPrompts, int truncatedCompletions) {
}
