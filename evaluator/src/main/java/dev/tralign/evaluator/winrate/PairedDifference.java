package dev.tralign.evaluator.winrate;

import java.util.Map;

/**
 * Paired comparison of two candidates judged against the same baseline on the same prompts (e.g. TR-DPO and DPO
 * checkpoints at one step, or two seeds): d_i = preference_A(i) - preference_B(i) over the prompts where both
 * judgments exist. Pairing removes the prompt-to-prompt variance both share, so the interval is much narrower
 * than two independent win-rate intervals suggest.
 *
 * <p>Reported in percentage points of win rate: mean(d) * 100, SE = sd(d, N-1) / sqrt(N) * 100, and the 95%
 * Student-t interval mean +- t(0.975, N-1) * SE (t from the Cornish-Fisher expansion, exact for N-1 = 1 and 2,
 * within 0.004 at N-1 = 3 and 1e-5 from N-1 = 10 on).
 *
 * @param n prompts judged for both
 * @param meanDifference win rate of A minus win rate of B, percentage points (NaN for n = 0)
 * @param standardError its standard error (NaN for n &lt; 2)
 * @param low lower end of the 95% interval (NaN for n &lt; 2)
 * @param high upper end of the 95% interval (NaN for n &lt; 2)
 */
public record PairedDifference(long n, double meanDifference, double standardError, double low, double high) {

    /**
     * The paired difference of two sets of normalised preferences keyed by prompt id; prompts missing from either
     * side (or mapped to null) are left out.
     */
    public static PairedDifference of(Map<String, Double> a, Map<String, Double> b) {
        long n = 0;
        double sum = 0;
        double sumSquares = 0;
        for (Map.Entry<String, Double> entry : a.entrySet()) {
            Double other = b.get(entry.getKey());
            if (entry.getValue() == null || other == null) {
                continue;
            }
            double d = entry.getValue() - other;
            n++;
            sum += d;
            sumSquares += d * d;
        }
        if (n == 0) {
            return new PairedDifference(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = sum / n;
        if (n < 2) {
            return new PairedDifference(n, mean * 100, Double.NaN, Double.NaN, Double.NaN);
        }
        double variance = Math.max(0.0, (sumSquares - sum * sum / n) / (n - 1));
        double se = Math.sqrt(variance / n);
        double half = studentT975(n - 1) * se;
        return new PairedDifference(n, mean * 100, se * 100, (mean - half) * 100, (mean + half) * 100);
    }

    /** The 0.975 quantile of Student's t with the given degrees of freedom. */
    static double studentT975(long degreesOfFreedom) {
        if (degreesOfFreedom < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + degreesOfFreedom);
        }
        if (degreesOfFreedom == 1) {
            return Math.tan(Math.PI * (0.975 - 0.5));
        }
        if (degreesOfFreedom == 2) {
            return (2 * 0.975 - 1) / Math.sqrt(2 * 0.975 * 0.025);
        }
        double z = WilsonInterval.Z_95;
        double v = degreesOfFreedom;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        double z7 = z5 * z * z;
        double z9 = z7 * z * z;
        return z + (z3 + z) / (4 * v)
                + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
                + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v)
                + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * v * v * v * v);
    }
}
