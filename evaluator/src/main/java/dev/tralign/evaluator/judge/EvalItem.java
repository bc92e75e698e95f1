package dev.tralign.evaluator.judge;

import java.util.Objects;

/**
 * One eval prompt with the checkpoint's and the baseline's completions.
 *
 * @param promptId stable id of the eval prompt
 * @param prompt the prompt text
 * @param candidate the checkpoint's completion
 * @param baseline the SFT baseline's completion
 */
public record EvalItem(String promptId, String prompt, String candidate, String baseline) {

    /** Checks nothing is null. */
    public EvalItem {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(baseline, "baseline");
    }
}
