package dev.tralign.evaluator.winrate;

/**
 * What the length-controlled win rate needs of one judgment: the two outputs' lengths in Unicode code points
 * (Python's {@code len(str)}, which AlpacaEval uses) and the normalised preference.
 *
 * @param candidateLength code points of the candidate's output (AlpacaEval output_2)
 * @param baselineLength code points of the baseline's output (AlpacaEval output_1)
 * @param preference normalised preference in [1,2], or NaN for a missing judgment (it still counts in the
 *     spread of length differences, as in AlpacaEval, but not in the fit)
 */
public record LengthJudgment(long candidateLength, long baselineLength, double preference) {

    /** Validates the lengths and the preference. */
    public LengthJudgment {
        if (candidateLength < 0 || baselineLength < 0) {
            throw new IllegalArgumentException("lengths must be >= 0, got candidate=" + candidateLength
                    + " baseline=" + baselineLength);
        }
        if (!Double.isNaN(preference)
                && !(preference >= Preferences.BASELINE_WINS && preference <= Preferences.CANDIDATE_WINS)) {
            throw new IllegalArgumentException(
                    "preference must be normalised to [1,2] (or NaN for missing), got " + preference);
        }
    }

    /** The judgment of two texts; null text counts as empty. */
    public static LengthJudgment of(String candidate, String baseline, double preference) {
        return new LengthJudgment(codePoints(candidate), codePoints(baseline), preference);
    }

    /** Length in Unicode code points (a surrogate pair is one), 0 for null. */
    public static long codePoints(String text) {
        return text == null ? 0 : text.codePointCount(0, text.length());
    }

    /** True when the judgment was not missing. */
    public boolean judged() {
        return !Double.isNaN(preference);
    }
}
