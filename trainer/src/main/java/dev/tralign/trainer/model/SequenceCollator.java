package dev.tralign.trainer.model;

import java.util.Arrays;
import java.util.List;

/**
 * Turns (prompt, completion) token ids into a {@link SequenceBatch}. Sequences longer than {@code maxSeqLen} are
 * cut: the prompt keeps its END (left truncation, the recent context matters most), at least half the window when
 * it is that long, and the completion keeps its BEGINNING (right truncation). Truncations are counted per batch.
 * Completion tokens with no preceding token (empty prompt) cannot be scored and are left out of the mask.
 */
public final class SequenceCollator {

    private final int maxSeqLen;
    private final int padId;

    public SequenceCollator(int maxSeqLen, int padId) {
        if (maxSeqLen < 2) {
            throw new IllegalArgumentException("maxSeqLen must be >= 2, got " + maxSeqLen);
        }
        this.maxSeqLen = maxSeqLen;
        this.padId = padId;
    }

    public int maxSeqLen() {
        return maxSeqLen;
    }

    /** Lays out {@code prompts.get(i) + completions.get(i)} as row i. */
    public SequenceBatch collate(List<int[]> prompts, List<int[]> completions) {
        if (prompts.size() != completions.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + completions.size() + " completions");
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("empty batch: pass at least one example");
        }
        int rows = prompts.size();
        int[][] sequences = new int[rows][];
        int[] promptKept = new int[rows];
        int truncatedPrompts = 0;
        int truncatedCompletions = 0;
        int longest = 2;
        for (int r = 0; r < rows; r++) {
            int[] p = prompts.get(r);
            int[] c = completions.get(r);
            int keepPrompt = Math.min(p.length, Math.max(maxSeqLen - c.length, maxSeqLen / 2));
            int keepCompletion = Math.min(c.length, maxSeqLen - keepPrompt);
            truncatedPrompts += keepPrompt < p.length ? 1 : 0;
            truncatedCompletions += keepCompletion < c.length ? 1 : 0;
            int[] seq = new int[keepPrompt + keepCompletion];
            System.arraycopy(p, p.length - keepPrompt, seq, 0, keepPrompt);
            System.arraycopy(c, 0, seq, keepPrompt, keepCompletion);
            sequences[r] = seq;
            promptKept[r] = keepPrompt;
            longest = Math.max(longest, seq.length);
        }
        int width = longest - 1;
        long[] inputs = new long[rows * width];
        long[] targets = new long[rows * width];
        float[] mask = new float[rows * width];
        int[] completionLengths = new int[rows];
        Arrays.fill(inputs, padId);
        int tokens = 0;
        for (int r = 0; r < rows; r++) {
            int[] seq = sequences[r];
            int base = r * width;
            for (int t = 0; t + 1 < seq.length; t++) {
                inputs[base + t] = seq[t];
                targets[base + t] = seq[t + 1];
                if (t + 1 >= promptKept[r]) {
                    mask[base + t] = 1f;
                    completionLengths[r]++;
                }
            }
            tokens += Math.max(0, seq.length - 1);
        }
        return new SequenceBatch(rows, width, inputs, targets, mask, completionLengths, tokens, truncatedPrompts,
                truncatedCompletions);
    }
}
