package dev.tralign.evaluator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.evaluator.ranking.Game;
import dev.tralign.schemas.avro.Judgment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckpointGamesTest {

    private static Judgment judgment(String run, long step, String prompt, Double preference, String candidate,
            String baseline) {
        return Judgment.newBuilder().setRunId(run).setStep(step).setPromptId(prompt).setJudge("gold")
                .setCandidate(candidate).setBaseline(baseline).setPreference(preference).setCandidateScore(null)
                .setBaselineScore(null).setRatings(Map.of()).setAt(Instant.EPOCH).build();
    }

    @Test
    void eachLatestVerdictIsOneGameAgainstTheBaseline() {
        CheckpointGames games = new CheckpointGames();
        games.add(judgment("r", 10, "p1", 2.0, "a", "b"));
        games.add(judgment("r", 10, "p1", 1.0, "a2", "b")); // re-judged: replaces
        games.add(judgment("r", 10, "p2", null, "a", "b")); // missing: no game
        games.add(judgment("r", 10, "p3", 1.0, "same", "same")); // identical outputs: tie
        games.add(judgment("r", 20, "p1", 1.75, "c", "b"));
        games.add(judgment("other", 5, "p1", 2.0, "d", "b"));

        assertThat(games.games(List.of("r"))).containsExactly(
                new Game("r@10", CheckpointGames.BASELINE, 0.0, "p1"),
                new Game("r@20", CheckpointGames.BASELINE, 0.75, "p1"),
                new Game("r@10", CheckpointGames.BASELINE, 0.5, "p3"));
        assertThat(games.games(List.of())).hasSize(4);
        assertThat(games.runIds()).isEqualTo(Set.of("other", "r"));
        assertThat(games.version()).isEqualTo(6);
        assertThat(games.baselineMismatches(List.of())).isZero(); // every run has one baseline output per prompt
    }

    @Test
    void runsWithDifferentBaselinesAreCounted() {
        CheckpointGames games = new CheckpointGames();
        games.add(judgment("a", 1, "p1", 2.0, "x", "baseline one"));
        games.add(judgment("b", 1, "p1", 2.0, "x", "baseline two"));
        games.add(judgment("b", 1, "p2", 2.0, "x", "same"));
        games.add(judgment("a", 1, "p2", 1.0, "y", "same"));
        assertThat(games.baselineMismatches(List.of("a", "b"))).isEqualTo(1);
        assertThat(games.baselineMismatches(List.of("a"))).isZero();
        assertThat(games.ranking(List.of("nobody"), 10, 1)).isEmpty();
        assertThat(games.ranking(List.of("a", "b"), 10, 1)).isPresent();
    }
}
