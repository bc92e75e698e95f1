package dev.tralign.trainer.loss;

/**
 * LD-DPO's token weights (Liu et al. 2024, "Length Desensitization in Directed Preference Optimization",
 * arXiv 2409.06411; TRL ld_alpha): in each pair, the completion tokens up to the SHORTER completion's length count
 * fully and the rest (the "verbose" tail) count alpha times, in the policy's and the reference's sequence log-probs:
 * {@code lp(y) = sum_{t <= l_s} lp_t + alpha * sum_{t > l_s} lp_t}, {@code l_s = min(|y_w|, |y_l|)}. alpha = 1 is
 * plain DPO, alpha = 0 cuts the tail.
 */
public final class LdDpoMask {

    private LdDpoMask() {
    }

    /**
     * The weight of every scored position: the completion mask times 1 (within the shared length) or alpha.
     *
     * @param completionMask row-major [2B, width]: the chosen rows, then the rejected rows; 1 where a completion token
     *     is scored
     */
    public static float[] weights(float[] completionMask, int rows, int width, double alpha) {
        if (rows % 2 != 0) {
            throw new IllegalArgumentException("LD-DPO needs chosen and rejected rows, got " + rows + " rows");
        }
        int pairs = rows / 2;
        int[] lengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < width; t++) {
                lengths[r] += completionMask[r * width + t] > 0 ? 1 : 0;
            }
        }
        float[] out = new float[completionMask.length];
        for (int r = 0; r < rows; r++) {
            int shared = Math.min(lengths[r % pairs], lengths[r % pairs + pairs]);
            int position = 0;
            for (int t = 0; t < width; t++) {
                float m = completionMask[r * width + t];
                if (m > 0) {
                    position++;
                    out[r * width + t] = position <= shared ? m : (float) (m * alpha);
                }
            }
        }
        return out;
    }
}
