package dev.tralign.evaluator.winrate;

/**
 * Wilson score interval of a binomial proportion (Wilson 1927), here of the discrete win rate (W + T/2)/N:
 * unlike the normal approximation it stays inside [0,1] and behaves at p near 0 or 1 and small N.
 *
 * <pre>
 * centre = (p + z^2/(2n)) / (1 + z^2/n)
 * half   = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/(4n^2))
 * </pre>
 *
 * @param low lower end, a proportion in [0,1]
 * @param high upper end, a proportion in [0,1]
 */
public record WilsonInterval(double low, double high) {

    /** Two-sided 95% normal quantile, Phi^-1(0.975). */
    public static final double Z_95 = 1.959963984540054;

    /**
     * The 95% interval.
     *
     * @param proportion observed proportion in [0,1]
     * @param n number of trials; 0 gives the uninformative interval [0,1]
     */
    public static WilsonInterval of95(double proportion, double n) {
        return of(proportion, n, Z_95);
    }

    /** The interval for a given normal quantile z. */
    public static WilsonInterval of(double proportion, double n, double z) {
        if (n <= 0) {
            return new WilsonInterval(0.0, 1.0);
        }
        if (proportion < 0 || proportion > 1 || Double.isNaN(proportion)) {
            throw new IllegalArgumentException("proportion must be in [0,1], got " + proportion);
        }
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (proportion + z2 / (2 * n)) / denominator;
        double half = z / denominator * Math.sqrt(proportion * (1 - proportion) / n + z2 / (4 * n * n));
        // Rounding can push the ends a hair outside [0,1] at p = 0 or 1.
        return new WilsonInterval(Math.max(0.0, centre - half), Math.min(1.0, centre + half));
    }
}
