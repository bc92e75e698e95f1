package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.judge.Comparison;
import dev.tralign.evaluator.judge.EvalItem;
import dev.tralign.evaluator.judge.Judge;
import dev.tralign.evaluator.judge.Verdict;
import dev.tralign.schemas.avro.Judgment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges a checkpoint's eval items and returns the Judgment records to send to tralign.judgments (key
 * {@link Records#judgmentKey}). The producing is the caller's: this only turns verdicts into records.
 */
public final class Judging {

    private Judging() {
    }

    /** Judges every item (the judge may run them concurrently) and builds one Judgment per item, in order. */
    public static List<Judgment> judge(Judge judge, String runId, long step, List<EvalItem> items, Clock clock) {
        List<Comparison> comparisons = items.stream()
                .map(item -> new Comparison(item.prompt(), item.candidate(), item.baseline()))
                .toList();
        List<Verdict> verdicts = judge.judgeAll(comparisons);
        List<Judgment> judgments = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            EvalItem item = items.get(i);
            judgments.add(Records.judgment(runId, step, item.promptId(), judge.name(), item.candidate(),
                    item.baseline(), verdicts.get(i), clock.instant()));
        }
        return judgments;
    }
}
