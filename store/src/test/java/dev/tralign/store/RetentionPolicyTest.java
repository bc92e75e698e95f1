package dev.tralign.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static final Set<Long> STEPS = Set.of(10L, 20L, 30L, 40L, 50L, 60L, 70L);

    @Test
    void offKeepsEverything() {
        assertThat(RetentionPolicy.keepAll().toDelete(STEPS, Map.of())).isEmpty();
        assertThat(new RetentionPolicy(0, 2, 1, false).toDelete(STEPS, Map.of(10L, 50.0))).isEmpty();
    }

    @Test
    void keepsTheLastEveryKthAndTheBest() {
        Map<Long, Double> rates = Map.of(10L, 40.0, 20L, 71.0, 30L, 55.0, 40L, 60.0, 50L, 52.0, 60L, 58.0, 70L, 61.0);

        // last 2: 60, 70; every 40th: 40; best: 20.
        assertThat(new RetentionPolicy(2, 40, 1, true).toDelete(STEPS, rates)).containsExactly(10L, 30L, 50L);
        // best 2 among all: 20 and 70 (already last).
        assertThat(new RetentionPolicy(1, 0, 2, true).toDelete(STEPS, rates))
                .containsExactly(10L, 30L, 40L, 50L, 60L);
    }

    @Test
    void aChampionIsKeptWhateverItsRank() {
        Map<Long, Double> rates = Map.of(10L, 40.0, 20L, 71.0, 30L, 55.0, 40L, 60.0, 50L, 52.0, 60L, 58.0, 70L, 61.0);

        // last 1: 70; best 1: 20; the champion 30 (promoted on the same prompts, whatever its raw rate now).
        assertThat(new RetentionPolicy(1, 0, 1, false).toDelete(STEPS, rates, Set.of(30L)))
                .containsExactly(10L, 40L, 50L, 60L);
    }

    @Test
    void unjudgedCheckpointsWaitForTheEvaluatorUnlessToldOtherwise() {
        Map<Long, Double> rates = Map.of(10L, 40.0, 20L, 30.0);

        assertThat(new RetentionPolicy(1, 0, 0, true).toDelete(STEPS, rates)).containsExactly(10L, 20L);
        assertThat(new RetentionPolicy(1, 0, 0, false).toDelete(STEPS, rates))
                .containsExactly(10L, 20L, 30L, 40L, 50L, 60L);
    }

    @Test
    void theLatestIsAlwaysKeptAndTiesKeepTheLaterStep() {
        assertThat(new RetentionPolicy(1, 0, 0, false).toDelete(Set.of(5L), Map.of(5L, 1.0))).isEmpty();
        assertThat(new RetentionPolicy(1, 0, 1, false).toDelete(Set.of(1L, 2L, 3L), Map.of(1L, 50.0, 2L, 50.0)))
                .containsExactly(1L);
    }
}
