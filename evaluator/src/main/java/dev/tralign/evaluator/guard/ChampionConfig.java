package dev.tralign.evaluator.guard;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the evaluator picks one champion checkpoint per run family.
 *
 * @param evalPrompts size of the eval prompt set (a checkpoint competes once all its prompts are judged)
 * @param klBudget KL to SFT above which a checkpoint cannot become champion (infinity = no budget)
 * @param level significance level of the one-sided McNemar test (default 0.05)
 * @param familyPattern null, or a regular expression whose first group names a run's family (runs that do not
 *     match, and every run when null, are families of their own)
 */
public record ChampionConfig(int evalPrompts, double klBudget, double level, Pattern familyPattern) {

    public ChampionConfig {
        if (evalPrompts < 1) {
            throw new IllegalArgumentException("guard.eval_prompts=" + evalPrompts + " is out of range: use at least 1");
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("guard.champion.level=" + level + " is out of range: use a "
                    + "significance level in (0, 1), e.g. 0.05");
        }
        if (familyPattern != null && familyPattern.matcher("").groupCount() < 1) {
            throw new IllegalArgumentException("guard.champion.family_pattern=" + familyPattern.pattern()
                    + " has no group: put the family part in parentheses, e.g. (.*)-seed[0-9]+");
        }
    }

    /** Every run its own family, level 0.05, the guard's KL budget. */
    public static ChampionConfig of(GuardConfig guard) {
        return new ChampionConfig(guard.evalPrompts(), guard.klBudget(), 0.05, null);
    }

    /** The same with another level. */
    public ChampionConfig withLevel(double other) {
        return new ChampionConfig(evalPrompts, klBudget, other, familyPattern);
    }

    /** The same with runs grouped into families by {@code pattern}'s first group. */
    public ChampionConfig withFamilies(String pattern) {
        return new ChampionConfig(evalPrompts, klBudget, level, Pattern.compile(pattern));
    }

    /** The family of a run. */
    public String familyOf(String runId) {
        if (familyPattern == null) {
            return runId;
        }
        Matcher m = familyPattern.matcher(runId);
        return m.matches() && m.group(1) != null ? m.group(1) : runId;
    }
}
