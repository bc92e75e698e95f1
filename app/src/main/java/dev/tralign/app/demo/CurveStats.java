package dev.tralign.app.demo;

import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Pure statistics over win-rate curves for the experiment: the value of a curve at a matched KL (linear
 * interpolation between the checkpoints that bracket it), and a paired bootstrap of mean differences across seeds.
 */
public final class CurveStats {

    private CurveStats() {
    }

    /** A point of a curve: KL to SFT (nats per sequence) and win rate (percent). */
    public record KlPoint(double kl, double winRate) {
    }

    /**
     * The win rate at KL {@code target}, interpolated between the first pair of consecutive checkpoints whose KLs
     * bracket it (curves need not be monotone in KL; the first crossing is the one a run reaches first). Empty when the
     * curve never reaches that KL.
     */
    public static OptionalDouble winRateAtKl(List<KlPoint> curve, double target) {
        for (int i = 1; i < curve.size(); i++) {
            KlPoint a = curve.get(i - 1);
            KlPoint b = curve.get(i);
            double lo = Math.min(a.kl(), b.kl());
            double hi = Math.max(a.kl(), b.kl());
            if (target >= lo && target <= hi) {
                if (hi == lo) {
                    return OptionalDouble.of((a.winRate() + b.winRate()) / 2);
                }
                double t = (target - a.kl()) / (b.kl() - a.kl());
                return OptionalDouble.of(a.winRate() + t * (b.winRate() - a.winRate()));
            }
        }
        return OptionalDouble.empty();
    }

    /** Mean and 95% percentile interval of the mean of paired differences, by bootstrap over the pairs. */
    public record Interval(double mean, double low, double high, int n) {
    }

    /** Paired bootstrap: resample the differences (one per seed) with replacement, {@code resamples} times. */
    public static Interval pairedBootstrap(double[] differences, int resamples, long seed) {
        int n = differences.length;
        if (n == 0) {
            throw new IllegalArgumentException("no paired differences to bootstrap");
        }
        double mean = mean(differences);
        double[] means = new double[resamples];
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += differences[random.nextInt(n)];
            }
            means[r] = sum / n;
        }
        java.util.Arrays.sort(means);
        return new Interval(mean, means[(int) Math.floor(0.025 * (resamples - 1))],
                means[(int) Math.ceil(0.975 * (resamples - 1))], n);
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
