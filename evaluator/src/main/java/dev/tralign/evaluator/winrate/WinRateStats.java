package dev.tralign.evaluator.winrate;

import java.util.OptionalDouble;

/**
 * Win rate of a candidate against a baseline, AlpacaEval conventions (see docs/evaluator.md).
 *
 * <ul>
 *   <li>win rate = mean(preference - 1) * 100 (fractional preferences count by their value);</li>
 *   <li>standard error = sample standard deviation (N-1) of (preference - 1) / sqrt(N) * 100, NaN for N &lt; 2
 *       (pandas' {@code sem()});</li>
 *   <li>discrete win rate = (wins + draws/2) / N * 100, wins being preference &gt; 1.5;</li>
 *   <li>Wilson 95% interval of (W + T/2)/N, in percent.</li>
 * </ul>
 * With no judgments every rate is NaN and the interval is [0, 100].
 *
 * @param winRate mean(preference - 1) * 100
 * @param standardError sample SEM * 100
 * @param nWins candidate wins
 * @param nWinsBase baseline wins
 * @param nDraws ties
 * @param nTotal judgments counted
 * @param discreteWinRate (W + T/2)/N * 100
 * @param wilsonLow lower end of the Wilson 95% interval, percent
 * @param wilsonHigh upper end, percent
 * @param meanCandidateScore mean judge score of the candidate, empty when the judge does not score
 */
public record WinRateStats(
        double winRate,
        double standardError,
        long nWins,
        long nWinsBase,
        long nDraws,
        long nTotal,
        double discreteWinRate,
        double wilsonLow,
        double wilsonHigh,
        OptionalDouble meanCandidateScore) {

    /** Statistics of normalised preferences (each in [1,2]). */
    public static WinRateStats ofPreferences(double... preferences) {
        WinRateAccumulator accumulator = WinRateAccumulator.EMPTY;
        for (double preference : preferences) {
            accumulator = accumulator.add(preference);
        }
        return of(accumulator);
    }

    /** Statistics of accumulated judgments. */
    public static WinRateStats of(WinRateAccumulator a) {
        long n = a.nTotal();
        double mean = n == 0 ? Double.NaN : a.sum() / n;
        double standardError = Double.NaN;
        if (n >= 2) {
            // Sum of squared deviations from the sums; x in [0,1] keeps cancellation harmless.
            double squaredDeviations = Math.max(0.0, a.sumSquares() - a.sum() * a.sum() / n);
            standardError = Math.sqrt(squaredDeviations / (n - 1)) / Math.sqrt(n) * 100;
        }
        double discrete = n == 0 ? Double.NaN : (a.nWins() + a.nDraws() / 2.0) / n;
        WilsonInterval wilson = WilsonInterval.of95(n == 0 ? 0.0 : discrete, n);
        OptionalDouble meanScore = a.nScored() > 0
                ? OptionalDouble.of(a.scoreSum() / a.nScored())
                : OptionalDouble.empty();
        return new WinRateStats(mean * 100, standardError, a.nWins(), a.nWinsBase(), a.nDraws(), n,
                discrete * 100, wilson.low() * 100, wilson.high() * 100, meanScore);
    }
}
