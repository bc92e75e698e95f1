package dev.tralign.evaluator.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BradleyTerryTest {

    private static final String BASE = "baseline";

    @Test
    void againstTheBaselineOnlyEachStrengthIsTheLogitOfTheWinRate() {
        // The star design our judgments have: checkpoints meet only the baseline.
        List<Game> games = new ArrayList<>();
        double[] outcomes = {1, 1, 0.5, 0, 1, 0.75, 1, 0}; // mean 0.65625
        for (int i = 0; i < outcomes.length; i++) {
            games.add(new Game("run@10", BASE, outcomes[i], "p" + i));
            games.add(new Game("run@20", BASE, 1 - outcomes[i], "p" + i));
        }
        Map<String, Double> strengths = BradleyTerry.fit(games, BASE);
        assertThat(strengths.get(BASE)).isZero();
        assertThat(BradleyTerry.sigmoid(strengths.get("run@10"))).isCloseTo(0.65625, within(1e-4));
        assertThat(BradleyTerry.sigmoid(strengths.get("run@20"))).isCloseTo(0.34375, within(1e-4));
    }

    @Test
    void directGamesBetweenCheckpointsAreUsedWhenTheyExist() {
        List<Game> games = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            games.add(new Game("a", BASE, i % 2, "p" + i));
            games.add(new Game("b", BASE, (i + 1) % 2, "p" + i));
            games.add(new Game("a", "b", i % 10 == 0 ? 0 : 1, "p" + i)); // a beats b 90%
        }
        Map<String, Double> strengths = BradleyTerry.fit(games, BASE);
        assertThat(strengths.get("a")).isGreaterThan(strengths.get("b") + 1);
        // a and b are even against the baseline; the direct games push them apart symmetrically.
        assertThat(strengths.get("a")).isCloseTo(-strengths.get("b"), within(1e-6));
    }

    @Test
    void knownStrengthsAreRecoveredFromARoundRobin() {
        double[] truth = {0, 0.8, -0.5, 1.6};
        String[] names = {BASE, "x", "y", "z"};
        Random random = new Random(1);
        List<Game> games = new ArrayList<>();
        for (int round = 0; round < 5000; round++) {
            for (int i = 0; i < 4; i++) {
                for (int j = i + 1; j < 4; j++) {
                    double p = BradleyTerry.sigmoid(truth[i] - truth[j]);
                    games.add(new Game(names[i], names[j], random.nextDouble() < p ? 1 : 0, "r" + round));
                }
            }
        }
        Map<String, Double> strengths = BradleyTerry.fit(games, BASE);
        for (int i = 1; i < 4; i++) {
            assertThat(strengths.get(names[i])).as(names[i]).isCloseTo(truth[i], within(0.08));
        }
    }

    @Test
    void aPerfectRecordStaysFinite() {
        List<Game> games = List.of(new Game("w", BASE, 1, "p1"), new Game("w", BASE, 1, "p2"),
                new Game("l", BASE, 0, "p1"));
        Map<String, Double> strengths = BradleyTerry.fit(games, BASE);
        assertThat(strengths.get("w")).isFinite().isGreaterThan(5);
        assertThat(strengths.get("l")).isFinite().isLessThan(-5);
    }

    @Test
    void unconnectedPlayersAndAMissingAnchorAreNamed() {
        List<Game> games = List.of(new Game("a", BASE, 1, "p1"), new Game("c", "d", 1, "p1"));
        assertThatThrownBy(() -> BradleyTerry.fit(games, BASE)).hasMessageContaining("[c, d]")
                .hasMessageContaining("no chain of games");
        assertThatThrownBy(() -> BradleyTerry.fit(List.of(new Game("a", "b", 1, "p")), BASE))
                .hasMessageContaining("plays no game");
        assertThatThrownBy(() -> new Game("a", "a", 1, "p")).hasMessageContaining("two different players");
        assertThatThrownBy(() -> new Game("a", "b", 1.5, "p")).hasMessageContaining("[0,1]");
    }
}
