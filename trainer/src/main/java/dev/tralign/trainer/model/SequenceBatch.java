package dev.tralign.trainer.model;

/**
 * Rows of prompt+completion token ids laid out for one forward pass, right-padded to a common width.
 * Row r's input is {@code ids[0..n-2]} and its targets {@code ids[1..n-1]}; {@code completionMask} is 1 where
 * the target is a completion token (prompt and padding masked). Right padding needs no attention mask: under
 * causal attention a real token never sees the padding that follows it.
 *
 * @param rows number of sequences
 * @param width input positions per row (longest sequence minus one)
 * @param inputIds row-major [rows, width] input token ids (padding = pad id)
 * @param targetIds row-major [rows, width] next-token targets (padding = 0, masked)
 * @param completionMask row-major [rows, width] 1 for scored completion targets, else 0
 * @param completionLengths scored completion tokens per row
 * @param tokenCount real (non-padding) input tokens in the batch
 * @param truncatedPrompts rows whose prompt lost tokens on the left
 * @param truncatedCompletions rows whose completion lost tokens on the right
 */
public record SequenceBatch(int rows, int width, long[] inputIds, long[] targetIds, float[] completionMask,
        int[] completionLengths, int tokenCount, int truncatedPrompts, int truncatedCompletions) {
}
