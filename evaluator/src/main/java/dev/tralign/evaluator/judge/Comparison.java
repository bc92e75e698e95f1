package dev.tralign.evaluator.judge;

import java.util.Objects;

/**
 * One pairwise question for a judge: which of two completions answers the prompt better.
 *
 * @param prompt the instruction
 * @param candidate the checkpoint's completion (AlpacaEval output_2)
 * @param baseline the SFT baseline's completion (AlpacaEval output_1)
 */
public record Comparison(String prompt, String candidate, String baseline) {

    /** Validates that nothing is null (an empty string is a legitimate completion). */
    public Comparison {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(baseline, "baseline");
    }
}
