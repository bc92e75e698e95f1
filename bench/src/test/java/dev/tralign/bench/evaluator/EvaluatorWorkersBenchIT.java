package dev.tralign.bench.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The workers benchmark runs end to end at a tiny size (its figures are not asserted: speed is not tested by time). */
class EvaluatorWorkersBenchIT {

    @Test
    void twoWorkersShareEveryTaskOnce() throws Exception {
        String report = EvaluatorWorkersBench.run(new String[] {"--workers", "2", "--prompts", "8",
            "--prompts-per-task", "2", "--checkpoints", "1", "--max-new-tokens", "4", "--dim", "16", "--layers", "1",
            "--heads", "2"});
        assertThat(report).contains("2 workers: median");
        // 8 prompts in tasks of 2: 4 tasks a checkpoint, a warm-up and one timed: 8 tasks, each done once by one of
        // the two workers.
        Matcher tasks = Pattern.compile("2 workers: warm-up \\d+ ms, checkpoints \\d+ ms \\(this JVM used [\\d.]+ "
                + "cores meanwhile\\); tasks per worker (\\d+) (\\d+)").matcher(report);
        assertThat(tasks.find()).as(report).isTrue();
        assertThat(Integer.parseInt(tasks.group(1)) + Integer.parseInt(tasks.group(2))).as(report).isEqualTo(8);
    }
}
