package dev.tralign.evaluator.judge;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which of two completions answers a prompt better, on AlpacaEval's preference scale.
 *
 * <p>Implementations never throw for a bad answer from their backend: they return {@link Verdict#missing}.
 */
public interface Judge {

    /** Name recorded in Judgment.judge (gold, llm:&lt;model&gt;, reward-model:&lt;name&gt;). */
    String name();

    /** Judges candidate against baseline for one prompt. */
    Verdict judge(String prompt, String candidate, String baseline);

    /** Judges one comparison. */
    default Verdict judge(Comparison comparison) {
        return judge(comparison.prompt(), comparison.candidate(), comparison.baseline());
    }

    /** Judges many comparisons, results in input order; implementations may run them concurrently. */
    default List<Verdict> judgeAll(List<Comparison> comparisons) {
        List<Verdict> verdicts = new ArrayList<>(comparisons.size());
        for (Comparison comparison : comparisons) {
            verdicts.add(judge(comparison));
        }
        return verdicts;
    }
}
