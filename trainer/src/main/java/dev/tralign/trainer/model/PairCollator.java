package dev.tralign.trainer.model;

import java.util.Arrays;
import java.util.List;

/**
 * Builds {@link PairBatch}es. Truncation is joint per pair so chosen and rejected share the same prompt: the
 * prompt keeps its end, {@code min(P, max(maxSeqLen - longer completion, maxSeqLen / 2))} tokens, and each
 * completion keeps its beginning, up to {@code maxSeqLen - kept prompt} tokens. Prompts must not be empty
 * (the first completion token is predicted from the prompt's last token).
 */
public final class PairCollator {

    private final int maxSeqLen;

    public PairCollator(int maxSeqLen) {
        this.maxSeqLen = maxSeqLen;
    }

    public PairBatch collate(List<int[]> prompts, List<int[]> chosen, List<int[]> rejected) {
        int b = prompts.size();
        if (b == 0 || chosen.size() != b || rejected.size() != b) {
            throw new IllegalArgumentException("need the same non-zero number of prompts, chosen and rejected, got "
                    + b + ", " + chosen.size() + ", " + rejected.size());
        }
        int[][] keptPrompts = new int[b][];
        int[][] completions = new int[2 * b][];
        int truncatedPrompts = 0;
        int truncatedCompletions = 0;
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            if (p.length == 0) {
                throw new IllegalArgumentException("pair " + i + " has an empty prompt: the first completion token "
                        + "needs a preceding token (prepend BOS)");
            }
            int longer = Math.max(chosen.get(i).length, rejected.get(i).length);
            int keep = Math.min(p.length, Math.max(maxSeqLen - longer, maxSeqLen / 2));
            truncatedPrompts += keep < p.length ? 1 : 0;
            keptPrompts[i] = Arrays.copyOfRange(p, p.length - keep, p.length);
            int room = maxSeqLen - keep;
            for (int side = 0; side < 2; side++) {
                int[] c = (side == 0 ? chosen : rejected).get(i);
                int keepC = Math.min(c.length, room);
                truncatedCompletions += keepC < c.length ? 1 : 0;
                completions[side * b + i] = Arrays.copyOf(c, keepC);
            }
        }
        int promptWidth = Arrays.stream(keptPrompts).mapToInt(p -> p.length).max().orElseThrow();
        int longestCompletion = Arrays.stream(completions).mapToInt(c -> c.length).max().orElseThrow();
        int width = Math.max(1, longestCompletion - 1);
        int keys = promptWidth + width;

        long[] promptIds = new long[b * promptWidth];
        long[] promptLast = new long[b];
        long[] firstTargets = new long[2 * b];
        float[] firstMask = new float[2 * b];
        int tokens = 0;
        for (int i = 0; i < b; i++) {
            int[] p = keptPrompts[i];
            for (int t = 0; t < p.length; t++) {
                promptIds[i * promptWidth + t] = p[t];
            }
            promptLast[i] = p.length - 1;
            tokens += p.length;
            for (int side = 0; side < 2; side++) {
                int[] c = completions[side * b + i];
                if (c.length > 0) {
                    firstTargets[i * 2 + side] = c[0];
                    firstMask[i * 2 + side] = 1f;
                }
            }
        }
        int rows = 2 * b;
        long[] ids = new long[rows * width];
        long[] positions = new long[rows * width];
        long[] targets = new long[rows * width];
        float[] mask = new float[rows * width];
        float[] attention = new float[rows * width * keys];
        Arrays.fill(attention, Float.NEGATIVE_INFINITY);
        int[] lengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            int[] c = completions[r];
            int promptLength = keptPrompts[r % b].length;
            lengths[r] = c.length;
            tokens += Math.max(0, c.length - 1);
            for (int t = 0; t < width; t++) {
                int k = r * width + t;
                positions[k] = Math.min(promptLength + t, maxSeqLen - 1);
                if (t + 1 < c.length) {
                    ids[k] = c[t];
                    targets[k] = c[t + 1];
                    mask[k] = 1f;
                }
                int rowBase = (r * width + t) * keys;
                // Every query row sees its real prompt and the completion up to itself; padded query rows too,
                // so no softmax row is all -inf.
                Arrays.fill(attention, rowBase, rowBase + promptLength, 0f);
                Arrays.fill(attention, rowBase + promptWidth, rowBase + promptWidth + t + 1, 0f);
            }
        }
        return new PairBatch(b, promptWidth, width, promptIds, promptLast, firstTargets, firstMask, ids, positions,
                targets, mask, attention, lengths, tokens, truncatedPrompts, truncatedCompletions);
    }
}
