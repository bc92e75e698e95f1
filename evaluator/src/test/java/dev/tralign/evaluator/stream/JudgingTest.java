package dev.tralign.evaluator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.evaluator.judge.EvalItem;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.schemas.avro.Judgment;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgingTest {

    @Test
    void verdictsBecomeJudgmentRecordsInOrder() {
        GoldRewardJudge judge = new GoldRewardJudge((prompt, completion) -> completion.length());
        Clock clock = Clock.fixed(Instant.parse("2026-02-03T04:05:06Z"), ZoneOffset.UTC);

        List<Judgment> judgments = Judging.judge(judge, "run", 42, List.of(
                new EvalItem("p1", "q1", "longer", "short"),
                new EvalItem("p2", "q2", "s", "longer"),
                new EvalItem("p3", "q3", "same", "same")), clock);

        assertThat(judgments).extracting(Judgment::getPromptId).containsExactly("p1", "p2", "p3");
        assertThat(judgments).extracting(Judgment::getPreference).containsExactly(2.0, 1.0, 1.5);
        Judgment first = judgments.get(0);
        assertThat(first.getRunId()).isEqualTo("run");
        assertThat(first.getStep()).isEqualTo(42);
        assertThat(first.getJudge()).isEqualTo("gold");
        assertThat(first.getCandidateScore()).isEqualTo(6.0);
        assertThat(first.getBaselineScore()).isEqualTo(5.0);
        assertThat(first.getRatings()).containsEntry("gold", 6.0);
        assertThat(first.getAt()).isEqualTo(clock.instant());
        assertThat(Records.judgmentKey(first)).isEqualTo("run/42/p1");
    }
}
