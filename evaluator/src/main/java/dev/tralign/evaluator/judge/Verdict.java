package dev.tralign.evaluator.judge;

import dev.tralign.evaluator.winrate.Preferences;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A judge's answer for one comparison.
 *
 * @param preference in [1,2] (1 baseline wins, 2 candidate wins, 1.5 tie), or null for a missing judgment
 * @param candidateScore the judge's score of the candidate, null when it does not score
 * @param baselineScore the judge's score of the baseline, null when it does not score
 * @param ratings absolute ratings of the candidate by criterion, possibly empty
 * @param missingReason why the judgment is missing (null when it is not); never contains secrets
 */
public record Verdict(
        Double preference, Double candidateScore, Double baselineScore, Map<String, Double> ratings,
        String missingReason) {

    /** Copies the ratings and checks the preference is on the scale. */
    public Verdict {
        ratings = Map.copyOf(ratings);
        if (preference != null && !(preference >= 1.0 && preference <= 2.0)) {
            throw new IllegalArgumentException("preference must be in [1,2] or null, got " + preference);
        }
    }

    /** A bare preference. */
    public static Verdict of(double preference) {
        return new Verdict(preference, null, null, Map.of(), null);
    }

    /** A tie. */
    public static Verdict tie() {
        return of(Preferences.TIE);
    }

    /** A missing judgment (excluded from win rates), with the reason for logs. */
    public static Verdict missing(String reason) {
        return new Verdict(null, null, null, Map.of(), reason);
    }

    /** True when the judge could not decide (the judgment is excluded). */
    public boolean isMissing() {
        return preference == null;
    }

    /** The preference, empty when missing. */
    public OptionalDouble preferenceValue() {
        return preference == null ? OptionalDouble.empty() : OptionalDouble.of(preference);
    }

    /** The same verdict with these ratings. */
    public Verdict withRatings(Map<String, Double> newRatings) {
        return new Verdict(preference, candidateScore, baselineScore, newRatings, missingReason);
    }
}
