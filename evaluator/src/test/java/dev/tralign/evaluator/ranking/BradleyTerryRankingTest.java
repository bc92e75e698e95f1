package dev.tralign.evaluator.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BradleyTerryRankingTest {

    private static final String BASE = "baseline";

    /** Three checkpoints judged against the baseline on the same 400 prompts, true win rates 70, 55 and 30%. */
    private static List<Game> starGames() {
        Random random = new Random(4);
        List<Game> games = new ArrayList<>();
        double[] truth = {0.70, 0.55, 0.30};
        for (int prompt = 0; prompt < 400; prompt++) {
            for (int c = 0; c < truth.length; c++) {
                games.add(new Game("run@" + (c + 1) * 100, BASE, random.nextDouble() < truth[c] ? 1 : 0,
                        "p" + prompt));
            }
        }
        return games;
    }

    @Test
    void scoresAreWinRatesAgainstTheBaselineWithNinetyPercentBootstrapIntervals() {
        List<Game> games = starGames();
        BradleyTerryRanking ranking = BradleyTerryRanking.of(games, BASE, 100, 42);

        assertThat(ranking.scores()).extracting(BradleyTerryRanking.Score::player)
                .containsExactly("run@100", "run@200", BASE, "run@300");
        assertThat(ranking.groups()).isEqualTo(400);
        for (BradleyTerryRanking.Score s : ranking.scores()) {
            if (s.player().equals(BASE)) {
                assertThat(s.winProbability()).isEqualTo(50.0);
                assertThat(s.low()).isEqualTo(50.0);
                assertThat(s.high()).isEqualTo(50.0);
                continue;
            }
            double winRate = games.stream().filter(g -> g.player().equals(s.player())).mapToDouble(Game::outcome)
                    .average().orElseThrow() * 100;
            assertThat(s.winProbability()).as(s.player()).isCloseTo(winRate, within(0.01));
            assertThat(s.games()).isEqualTo(400);
            assertThat(s.rounds()).isEqualTo(100);
            // 90% interval of a mean of 400 binary outcomes: about +-1.645 * sqrt(p(1-p)/400).
            double halfWidth = 1.645 * Math.sqrt(winRate / 100 * (1 - winRate / 100) / 400) * 100;
            assertThat(s.low()).isLessThan(s.winProbability());
            assertThat(s.high()).isGreaterThan(s.winProbability());
            assertThat(s.high() - s.low()).as(s.player() + " interval width").isCloseTo(2 * halfWidth,
                    within(0.3 * 2 * halfWidth));
        }
        assertThat(ranking.winProbability("run@100", "run@300")).isGreaterThan(80);
    }

    @Test
    void theSeedMakesTheBootstrapReproducible() {
        List<Game> games = starGames();
        BradleyTerryRanking a = BradleyTerryRanking.of(games, BASE, 30, 7);
        BradleyTerryRanking b = BradleyTerryRanking.of(games, BASE, 30, 7);
        BradleyTerryRanking c = BradleyTerryRanking.of(games, BASE, 30, 8);
        assertThat(a).isEqualTo(b);
        assertThat(a.scores().get(0).low()).isNotEqualTo(c.scores().get(0).low());
        assertThat(a.scores().get(0).winProbability()).isEqualTo(c.scores().get(0).winProbability());
    }

    @Test
    void aPlayerMissingFromSomeResamplesIsLeftOutOfThoseRounds() {
        List<Game> games = new ArrayList<>(starGames());
        games.add(new Game("late@1", BASE, 1, "p0")); // one prompt only: absent from about 37% of resamples
        BradleyTerryRanking ranking = BradleyTerryRanking.of(games, BASE, 100, 42);
        BradleyTerryRanking.Score late = ranking.scores().stream().filter(s -> s.player().equals("late@1"))
                .findFirst().orElseThrow();
        assertThat(late.rounds()).isBetween(45, 80);
        assertThat(late.games()).isEqualTo(1);
    }

    @Test
    void percentilesInterpolateLikeNumpy() {
        double[] sorted = {1, 2, 3, 4, 10};
        assertThat(BradleyTerryRanking.percentile(sorted, 0.05)).isCloseTo(1.2, within(1e-12));
        assertThat(BradleyTerryRanking.percentile(sorted, 0.95)).isCloseTo(8.8, within(1e-12));
        assertThat(BradleyTerryRanking.percentile(new double[] {3}, 0.95)).isEqualTo(3);
    }
}
