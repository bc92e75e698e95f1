package dev.tralign.evaluator.judge;

import dev.tralign.evaluator.winrate.Preferences;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleBiFunction;

/**
 * Judges by a known gold reward r*(prompt, completion), as in the synthetic world: the higher reward wins,
 * equal rewards tie (so identical outputs tie). Both rewards are reported as scores and the candidate's
 * also as the rating "gold". A NaN reward gives a missing judgment.
 */
public final class GoldRewardJudge implements Judge {

    /** Ratings key of the candidate's gold reward. */
    public static final String GOLD_RATING = "gold";

    private final ToDoubleBiFunction<String, String> goldReward;

    /**
     * @param goldReward (prompt, completion) -> r*; must be deterministic for ties to mean anything
     */
    public GoldRewardJudge(ToDoubleBiFunction<String, String> goldReward) {
        this.goldReward = Objects.requireNonNull(goldReward, "goldReward");
    }

    @Override
    public String name() {
        return "gold";
    }

    @Override
    public Verdict judge(String prompt, String candidate, String baseline) {
        double candidateReward = goldReward.applyAsDouble(prompt, candidate);
        double baselineReward = goldReward.applyAsDouble(prompt, baseline);
        if (Double.isNaN(candidateReward) || Double.isNaN(baselineReward)) {
            return Verdict.missing("gold reward is NaN");
        }
        double preference = candidate.equals(baseline)
                ? Preferences.TIE
                : Preferences.fromScores(candidateReward, baselineReward);
        return new Verdict(preference, candidateReward, baselineReward, Map.of(GOLD_RATING, candidateReward), null);
    }
}
