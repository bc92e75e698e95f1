package dev.tralign.evaluator.winrate;

import java.util.Objects;

/**
 * Sufficient statistics of a set of normalised preferences, immutable, with {@link #add} and
 * {@link #subtract} so a streaming aggregate can retract a judgment that was replaced.
 *
 * <p>With x = preference - 1 in [0,1]: counts of wins (x > 0.5), baseline wins (x < 0.5) and draws
 * (x == 0.5, as AlpacaEval counts them), sum of x and of x^2, and optionally the sum of the candidate's
 * judge score. Counts are exact; sums are doubles, so many add/subtract pairs can leave a drift of the order
 * of 1e-15, far below anything reported.
 *
 * @param nWins candidate wins
 * @param nWinsBase baseline wins
 * @param nDraws ties
 * @param sum sum of (preference - 1)
 * @param sumSquares sum of (preference - 1)^2
 * @param nScored judgments that carried a candidate score
 * @param scoreSum sum of those scores
 */
public record WinRateAccumulator(
        long nWins, long nWinsBase, long nDraws, double sum, double sumSquares, long nScored, double scoreSum) {

    /** No judgments. */
    public static final WinRateAccumulator EMPTY = new WinRateAccumulator(0, 0, 0, 0.0, 0.0, 0, 0.0);

    /** Judgments counted. */
    public long nTotal() {
        return nWins + nWinsBase + nDraws;
    }

    /** Adds one normalised preference in [1,2]. */
    public WinRateAccumulator add(double preference) {
        return combine(preference, null, 1);
    }

    /** Adds one normalised preference and the judge's score of the candidate (null if the judge gave none). */
    public WinRateAccumulator add(double preference, Double candidateScore) {
        return combine(preference, candidateScore, 1);
    }

    /** Retracts a preference (and score) previously added. */
    public WinRateAccumulator subtract(double preference, Double candidateScore) {
        return combine(preference, candidateScore, -1);
    }

    /** Retracts a preference previously added without score. */
    public WinRateAccumulator subtract(double preference) {
        return combine(preference, null, -1);
    }

    private WinRateAccumulator combine(double preference, Double candidateScore, int sign) {
        if (!(preference >= Preferences.BASELINE_WINS && preference <= Preferences.CANDIDATE_WINS)) {
            throw new IllegalArgumentException(
                    "preference must be normalised to [1,2] first (see Preferences.normalise), got " + preference);
        }
        double x = preference - 1;
        boolean scored = candidateScore != null && !candidateScore.isNaN();
        return new WinRateAccumulator(
                nWins + (x > 0.5 ? sign : 0),
                nWinsBase + (x < 0.5 ? sign : 0),
                nDraws + (x == 0.5 ? sign : 0),
                sum + sign * x,
                sumSquares + sign * x * x,
                nScored + (scored ? sign : 0),
                scoreSum + (scored ? sign * candidateScore : 0.0));
    }

    /** Merges two disjoint sets of judgments. */
    public WinRateAccumulator merge(WinRateAccumulator other) {
        Objects.requireNonNull(other, "other");
        return new WinRateAccumulator(nWins + other.nWins, nWinsBase + other.nWinsBase, nDraws + other.nDraws,
                sum + other.sum, sumSquares + other.sumSquares, nScored + other.nScored, scoreSum + other.scoreSum);
    }

    /** The statistics of the accumulated judgments. */
    public WinRateStats stats() {
        return WinRateStats.of(this);
    }
}
