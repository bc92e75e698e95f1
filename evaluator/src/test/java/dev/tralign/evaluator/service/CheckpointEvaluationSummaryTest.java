package dev.tralign.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tralign.evaluator.judge.Verdict;
import dev.tralign.evaluator.winrate.LengthControlledWinRate;
import dev.tralign.evaluator.winrate.LengthJudgment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-process summary (tralign experiment) carries the same length-controlled win rate as the stream. */
class CheckpointEvaluationSummaryTest {

    @Test
    void theSummaryHasTheLengthControlledWinRateOfThePromptsInPromptIdOrder() {
        List<CheckpointEvaluation.PromptOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            boolean longer = i % 3 != 0;
            Verdict verdict = i == 5 ? Verdict.missing("judge timed out") : Verdict.of(longer ? 2.0 : 1.0);
            outcomes.add(new CheckpointEvaluation.PromptOutcome(i, "prompt " + i, "x".repeat(longer ? 90 + i : 30),
                    "y".repeat(60), 10, -5.0, -6.0, verdict));
        }
        outcomes.add(new CheckpointEvaluation.PromptOutcome(24, "p", "same", "same", 1, -1.0, -1.0, Verdict.of(2.0)));

        CheckpointEvaluation.Result result = CheckpointEvaluation.summarize(100, outcomes);

        List<CheckpointEvaluation.PromptOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparing(o -> CheckpointEvaluation.promptId(o.promptIndex())));
        List<LengthJudgment> rows = new ArrayList<>();
        for (CheckpointEvaluation.PromptOutcome o : sorted) {
            // Missing verdicts count in the length spread only; identical outputs tie whatever the judge said.
            double preference = o.verdict().isMissing() ? Double.NaN
                    : o.completion().equals(o.baseline()) ? 1.5 : o.verdict().preference();
            rows.add(LengthJudgment.of(o.completion(), o.baseline(), preference));
        }
        assertThat(result.lengthControlledWinRate())
                .isCloseTo(LengthControlledWinRate.of(rows).winRate(), within(1e-12));
        assertThat(result.lengthControlledWinRate()).isLessThan(result.winRate().winRate());
    }
}
