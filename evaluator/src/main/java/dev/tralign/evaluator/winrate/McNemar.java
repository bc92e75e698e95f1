package dev.tralign.evaluator.winrate;

import java.util.Map;

/**
 * Exact one-sided McNemar test of "A is better than B" on paired verdicts: two candidates judged against the same
 * baseline on the same prompts. Only the prompts where they disagree count: {@code better} where A's preference is
 * higher than B's, {@code worse} where it is lower; under the null hypothesis (no difference) each disagreement is
 * a fair coin, so p = P(X >= better) for X ~ Binomial(better + worse, 1/2).
 *
 * @param prompts prompts judged for both
 * @param better prompts where A's preference is higher
 * @param worse prompts where B's preference is higher
 * @param pValue one-sided exact p-value (1 when there is no disagreement)
 */
public record McNemar(long prompts, long better, long worse, double pValue) {

    /** The test of A over B on the prompts both have (prompts missing on either side are left out). */
    public static McNemar of(Map<String, Double> a, Map<String, Double> b) {
        long prompts = 0;
        long better = 0;
        long worse = 0;
        for (Map.Entry<String, Double> e : a.entrySet()) {
            Double other = b.get(e.getKey());
            if (e.getValue() == null || other == null) {
                continue;
            }
            prompts++;
            int cmp = Double.compare(e.getValue(), other);
            if (cmp > 0) {
                better++;
            } else if (cmp < 0) {
                worse++;
            }
        }
        return new McNemar(prompts, better, worse, upperTail(better + worse, better));
    }

    /** The same test of A against a baseline that ties every prompt (preference 1.5: the SFT policy itself). */
    public static McNemar againstTies(Map<String, Double> a) {
        return of(a, a.keySet().stream().collect(java.util.stream.Collectors.toMap(k -> k, k -> 1.5)));
    }

    /** True when A is better at level {@code alpha} (p below it). */
    public boolean significant(double alpha) {
        return better > worse && pValue < alpha;
    }

    /** P(X >= k) for X ~ Binomial(n, 1/2), summed in log space so large n does not underflow. */
    static double upperTail(long n, long k) {
        if (k <= 0) {
            return 1.0;
        }
        if (k > n) {
            return 0.0;
        }
        double logHalfN = -n * Math.log(2);
        double logChoose = 0;
        for (long i = 0; i < k; i++) {
            logChoose += Math.log(n - i) - Math.log(i + 1);
        }
        double sum = 0;
        for (long i = k; i <= n; i++) {
            sum += Math.exp(logChoose + logHalfN);
            logChoose += Math.log(n - i) - Math.log(i + 1);
        }
        return Math.min(1.0, sum);
    }
}
