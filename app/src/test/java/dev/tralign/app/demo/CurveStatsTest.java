package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CurveStatsTest {

    private static final List<CurveStats.KlPoint> CURVE = List.of(new CurveStats.KlPoint(0, 50),
            new CurveStats.KlPoint(4, 80), new CurveStats.KlPoint(10, 60), new CurveStats.KlPoint(8, 40));

    @Test
    void interpolatesBetweenTheCheckpointsThatBracketTheKl() {
        assertThat(CurveStats.winRateAtKl(CURVE, 2).getAsDouble()).isCloseTo(65, within(1e-12));
        assertThat(CurveStats.winRateAtKl(CURVE, 7).getAsDouble()).isCloseTo(70, within(1e-12));
    }

    @Test
    void takesTheFirstCrossingWhenKlComesBack() {
        // KL 9 is crossed going up (4 -> 10) and again coming back (10 -> 8): the run reaches the first one first.
        assertThat(CurveStats.winRateAtKl(CURVE, 9).getAsDouble()).isCloseTo(80 - 20 * 5 / 6.0, within(1e-12));
    }

    @Test
    void aKlNeverReachedHasNoValue() {
        assertThat(CurveStats.winRateAtKl(CURVE, 11)).isEmpty();
    }

    @Test
    void bootstrapOfIdenticalDifferencesIsThatDifference() {
        CurveStats.Interval interval = CurveStats.pairedBootstrap(new double[] {3, 3, 3}, 1000, 1);
        assertThat(interval.mean()).isEqualTo(3);
        assertThat(interval.low()).isEqualTo(3);
        assertThat(interval.high()).isEqualTo(3);
    }

    @Test
    void bootstrapIntervalContainsTheMeanAndStaysWithinTheData() {
        CurveStats.Interval interval = CurveStats.pairedBootstrap(new double[] {-2, 1, 4, 9}, 5000, 7);
        assertThat(interval.mean()).isEqualTo(3);
        assertThat(interval.low()).isLessThan(3).isGreaterThanOrEqualTo(-2);
        assertThat(interval.high()).isGreaterThan(3).isLessThanOrEqualTo(9);
    }
}
