package dev.tralign.evaluator.winrate;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Normalises a raw pairwise preference to AlpacaEval's scale, or rejects it as missing.
 *
 * <p>Scale: 1 = baseline wins, 2 = candidate wins, 1.5 = tie; any value in [1,2] (weighted judges give
 * fractional ones). Rules, in order, as in AlpacaEval's {@code describe_head2head}:
 * <ol>
 *   <li>identical candidate and baseline outputs are a tie, whatever the judge said;</li>
 *   <li>{@code null} or NaN is a missing judgment (excluded from every count);</li>
 *   <li>0 is the legacy encoding of a tie and becomes 1.5;</li>
 *   <li>anything else outside [1,2] is not a preference and is excluded like a missing one.</li>
 * </ol>
 */
public final class Preferences {

    /** The tie value on AlpacaEval's scale. */
    public static final double TIE = 1.5;
    /** Baseline wins. */
    public static final double BASELINE_WINS = 1.0;
    /** Candidate wins. */
    public static final double CANDIDATE_WINS = 2.0;

    private Preferences() {
    }

    /**
     * Normalises a preference given the two outputs it compares.
     *
     * @param raw the judge's preference, possibly null or NaN
     * @param candidate the candidate's output (AlpacaEval output_2), may be null when unknown
     * @param baseline the baseline's output (AlpacaEval output_1), may be null when unknown
     * @return the preference in [1,2], or empty when the judgment must be excluded
     */
    public static OptionalDouble normalise(Double raw, String candidate, String baseline) {
        if (candidate != null && baseline != null && Objects.equals(candidate, baseline)) {
            return OptionalDouble.of(TIE);
        }
        return normalise(raw);
    }

    /** Normalises a preference when the outputs are not at hand (rules 2-4 only). */
    public static OptionalDouble normalise(Double raw) {
        if (raw == null || raw.isNaN()) {
            return OptionalDouble.empty();
        }
        double value = raw;
        if (value == 0.0) {
            return OptionalDouble.of(TIE);
        }
        if (value < BASELINE_WINS || value > CANDIDATE_WINS) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(value);
    }

    /**
     * Preference for two scalar scores (gold reward, reward model): higher wins, equal is a tie.
     *
     * @throws IllegalArgumentException if a score is NaN (the caller decides whether that is a missing judgment)
     */
    public static double fromScores(double candidateScore, double baselineScore) {
        if (Double.isNaN(candidateScore) || Double.isNaN(baselineScore)) {
            throw new IllegalArgumentException("scores must be numbers, got candidate=" + candidateScore
                    + " baseline=" + baselineScore);
        }
        if (candidateScore > baselineScore) {
            return CANDIDATE_WINS;
        }
        return candidateScore < baselineScore ? BASELINE_WINS : TIE;
    }
}
