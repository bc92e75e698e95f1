package dev.tralign.bench.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark runs end to end at a tiny size (its figures are not asserted: speed is not tested by time). */
class EvaluatorBenchIT {

    @Test
    void benchmarkAggregatesEveryCellAndTimesEachCheckpoint() throws Exception {
        String report = EvaluatorBench.run(new String[] {"--judgments", "400", "--cells", "4", "--prompts", "8",
            "--checkpoints", "2"});
        assertThat(report).contains("400 judgments into 4 (run, step) win rates").contains("LC fitted once per");
        assertThat(report).contains("latency: checkpoint 1, 8 prompts").contains("latency: checkpoint 2, 8 prompts");
    }
}
