package dev.tralign.evaluator.winrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WinRateStatsTest {

    private static final double EPS = 1e-9;

    @Test
    void integerPreferencesByHand() {
        // x = preference - 1 = [1, 0, 0.5, 1]: mean 0.625; squared deviations sum to 0.6875.
        WinRateStats s = WinRateStats.ofPreferences(2, 1, 1.5, 2);
        assertThat(s.winRate()).isCloseTo(62.5, within(EPS));
        assertThat(s.standardError()).isCloseTo(Math.sqrt(0.6875 / 3) / 2 * 100, within(EPS));
        assertThat(s.nWins()).isEqualTo(2);
        assertThat(s.nWinsBase()).isEqualTo(1);
        assertThat(s.nDraws()).isEqualTo(1);
        assertThat(s.nTotal()).isEqualTo(4);
        assertThat(s.discreteWinRate()).isCloseTo(62.5, within(EPS));
        // Wilson 95% of p = 0.625, n = 4, computed separately.
        assertThat(s.wilsonLow()).isCloseTo(21.942652006536284, within(1e-9));
        assertThat(s.wilsonHigh()).isCloseTo(90.81007708209878, within(1e-9));
        assertThat(s.meanCandidateScore()).isEmpty();
    }

    @Test
    void fractionalPreferencesCountByValueAndByCategory() {
        // x = [0.2, 0.8, 0.5]: mean 0.5; deviations -0.3, 0.3, 0 -> sample sd 0.3.
        WinRateStats s = WinRateStats.ofPreferences(1.2, 1.8, 1.5);
        assertThat(s.winRate()).isCloseTo(50.0, within(EPS));
        assertThat(s.standardError()).isCloseTo(0.3 / Math.sqrt(3) * 100, within(EPS));
        assertThat(s.nWins()).isEqualTo(1);
        assertThat(s.nWinsBase()).isEqualTo(1);
        assertThat(s.nDraws()).isEqualTo(1);
        assertThat(s.discreteWinRate()).isCloseTo(50.0, within(EPS));
    }

    @Test
    void meanAndDiscreteRatesDifferForFractionalPreferences() {
        // x = [0.6, 0.9]: both count as wins (discrete 100) but the mean is 75.
        WinRateStats s = WinRateStats.ofPreferences(1.6, 1.9);
        assertThat(s.winRate()).isCloseTo(75.0, within(EPS));
        assertThat(s.discreteWinRate()).isCloseTo(100.0, within(EPS));
    }

    @Test
    void wilsonIntervalAtTheEdges() {
        // Textbook value: 0 successes out of 10 gives [0, 0.2775].
        WinRateStats allLost = WinRateStats.ofPreferences(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        assertThat(allLost.wilsonLow()).isCloseTo(0.0, within(EPS));
        assertThat(allLost.wilsonHigh()).isCloseTo(27.75327998628892, within(1e-9));
        assertThat(allLost.standardError()).isCloseTo(0.0, within(EPS));
        WinRateStats allWon = WinRateStats.ofPreferences(2, 2, 2, 2, 2, 2, 2, 2, 2, 2);
        assertThat(allWon.wilsonLow()).isCloseTo(72.24672001371107, within(1e-9));
        assertThat(allWon.wilsonHigh()).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void emptyAndSingletonAreUndefinedWhereTheMathIs() {
        WinRateStats empty = WinRateStats.ofPreferences();
        assertThat(empty.nTotal()).isZero();
        assertThat(empty.winRate()).isNaN();
        assertThat(empty.standardError()).isNaN();
        assertThat(empty.wilsonLow()).isEqualTo(0.0);
        assertThat(empty.wilsonHigh()).isEqualTo(100.0);
        WinRateStats one = WinRateStats.ofPreferences(2);
        assertThat(one.winRate()).isCloseTo(100.0, within(EPS));
        assertThat(one.standardError()).isNaN();
    }

    @Test
    void subtractRetractsExactlyWhatAddAdded() {
        WinRateAccumulator base = WinRateAccumulator.EMPTY.add(2, 3.0).add(1, 1.0).add(1.5);
        WinRateAccumulator roundTrip = base.add(1.7, 5.0).subtract(1.7, 5.0);
        assertThat(roundTrip.nTotal()).isEqualTo(3);
        assertThat(roundTrip.stats().winRate()).isCloseTo(base.stats().winRate(), within(1e-12));
        assertThat(roundTrip.stats().standardError()).isCloseTo(base.stats().standardError(), within(1e-12));
        assertThat(base.stats().meanCandidateScore()).hasValue(2.0);
    }

    @Test
    void mergeEqualsAddingEverything() {
        WinRateAccumulator left = WinRateAccumulator.EMPTY.add(2).add(1);
        WinRateAccumulator right = WinRateAccumulator.EMPTY.add(1.5).add(2);
        assertThat(left.merge(right).stats()).isEqualTo(WinRateStats.ofPreferences(2, 1, 1.5, 2));
    }

    @Test
    void rejectsUnnormalisedPreferences() {
        assertThatThrownBy(() -> WinRateAccumulator.EMPTY.add(0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Preferences.normalise");
        assertThatThrownBy(() -> WinRateAccumulator.EMPTY.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
