package dev.tralign.trainer.model;

import java.util.Arrays;

/**
 * The bookkeeping of one cached decoding step, the same for every model with a key/value cache: where each row's
 * new token sits, and which cached keys it may not attend to. Pure.
 */
public final class DecodeStep {

    private DecodeStep() {
    }

    /** The position of each row's next token: after its prompt and the tokens generated so far (clamped). */
    public static long[] positions(int[] promptLengths, int generated, int maxSeqLen) {
        long[] positions = new long[promptLengths.length];
        for (int r = 0; r < positions.length; r++) {
            positions[r] = Math.min(promptLengths[r] + generated, maxSeqLen - 1);
        }
        return positions;
    }

    /**
     * The additive attention mask [rows, keysSoFar + 1] of the new token: a short prompt's padding keys sit between
     * its prompt and its generated tokens, and are hidden (-inf).
     */
    public static float[] paddingMask(int[] promptLengths, int promptWidth, int keysSoFar) {
        float[] mask = new float[promptLengths.length * (keysSoFar + 1)];
        for (int r = 0; r < promptLengths.length; r++) {
            Arrays.fill(mask, r * (keysSoFar + 1) + promptLengths[r], r * (keysSoFar + 1) + promptWidth,
                    Float.NEGATIVE_INFINITY);
        }
        return mask;
    }
}
