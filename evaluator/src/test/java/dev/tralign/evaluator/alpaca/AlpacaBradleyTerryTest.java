package dev.tralign.evaluator.alpaca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tralign.evaluator.ranking.BradleyTerryRanking;
import dev.tralign.evaluator.report.CheckpointGames;
import dev.tralign.schemas.avro.Judgment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Bradley-Terry ranking on real judgments: AlpacaEval 1's alpaca-7b and zephyr-7b-beta were judged against the
 * same text_davinci_003 outputs on the same 805 instructions, the star design our checkpoints have. Each score must
 * be the published win rate, the 90% prompt-bootstrap interval about +-1.645 published standard errors, and the
 * AlpacaEval 2 file (another baseline) must be flagged when ranked with them.
 */
class AlpacaBradleyTerryTest {

    private static Path dir() {
        Path path = Path.of(System.getProperty("tralign.alpaca.dir", "../../shared/data/alpaca_eval"));
        assertThat(path.resolve("leaderboard_subset.csv")).as("AlpacaEval data (-Dtralign.alpaca.dir)").exists();
        return path;
    }

    private static List<Judgment> judgments(String file) {
        return AlpacaImport.toJudgments(AlpacaAnnotationReader.read(dir().resolve(file)), Instant.EPOCH);
    }

    @Test
    void twoModelsAgainstOneBaselineScoreTheirWinRatesWithBootstrapIntervals() {
        CheckpointGames games = new CheckpointGames();
        games.addAll(judgments("alpaca-7b.annotations.json.gz"));
        games.addAll(judgments("zephyr-7b-beta.annotations.json.gz"));
        assertThat(games.baselineMismatches(List.of())).as("one shared baseline").isZero();

        BradleyTerryRanking ranking = games.ranking(List.of(), 100, 42).orElseThrow();

        assertThat(ranking.groups()).isEqualTo(805);
        assertThat(ranking.scores()).extracting(BradleyTerryRanking.Score::player)
                .containsExactly("zephyr-7b-beta@0", CheckpointGames.BASELINE, "alpaca-7b@0");
        // Published rows (leaderboard_subset.csv): win rate and standard error.
        Map<String, double[]> published = Map.of(
                "zephyr-7b-beta@0", new double[] {90.5977584059776, 1.0287080531312012},
                "alpaca-7b@0", new double[] {26.459627329192543, 1.535711469748});
        for (BradleyTerryRanking.Score s : ranking.scores()) {
            double[] row = published.get(s.player());
            if (row == null) {
                continue;
            }
            assertThat(s.winProbability()).as(s.player()).isCloseTo(row[0], within(0.01));
            double width = s.high() - s.low();
            double expectedWidth = 2 * 1.645 * row[1];
            assertThat(width).as(s.player() + " 90% width").isCloseTo(expectedWidth, within(0.3 * expectedWidth));
            assertThat(s.low()).isLessThan(s.winProbability());
            assertThat(s.high()).isGreaterThan(s.winProbability());
        }
        // Never judged against each other: the model's implied head-to-head, through the shared baseline.
        assertThat(ranking.winProbability("zephyr-7b-beta@0", "alpaca-7b@0")).isCloseTo(96.4, within(0.1));
    }

    @Test
    void aRunWithAnotherBaselineIsFlagged() {
        CheckpointGames games = new CheckpointGames();
        games.addAll(judgments("zephyr-7b-beta.annotations.json.gz"));
        judgments("alpaca-7b.weighted_alpaca_eval_gpt4_turbo.annotations.json.gz").forEach(j -> {
            j.setRunId("alpaca-7b-gpt4-turbo-baseline");
            games.add(j);
        });
        // gpt4_1106_preview's outputs differ from text_davinci_003's on 800 of the 805 instructions.
        assertThat(games.baselineMismatches(List.of())).isEqualTo(800);
    }
}
