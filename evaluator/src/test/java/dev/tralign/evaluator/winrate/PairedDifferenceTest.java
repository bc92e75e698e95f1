package dev.tralign.evaluator.winrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairedDifferenceTest {

    @Test
    void studentQuantilesMatchTables() {
        // Published two-sided 95% critical values.
        assertThat(PairedDifference.studentT975(1)).isCloseTo(12.706205, within(1e-5));
        assertThat(PairedDifference.studentT975(2)).isCloseTo(4.302653, within(1e-5));
        assertThat(PairedDifference.studentT975(3)).isCloseTo(3.182446, within(4e-3));
        assertThat(PairedDifference.studentT975(5)).isCloseTo(2.570582, within(5e-4));
        assertThat(PairedDifference.studentT975(10)).isCloseTo(2.228139, within(1e-5));
        assertThat(PairedDifference.studentT975(30)).isCloseTo(2.042272, within(1e-5));
        assertThat(PairedDifference.studentT975(1000)).isCloseTo(1.962339, within(1e-5));
    }

    @Test
    void pairedDifferenceByHand() {
        // d = [1, 0, 0.5, 0.5, -0.5] (p5 of A has no partner, p6 of A is missing): mean 0.3,
        // squared deviations 0.49 + 0.09 + 0.04 + 0.04 + 0.64 = 1.3, sd^2 = 1.3/4.
        Map<String, Double> a = new HashMap<>(Map.of("p0", 2.0, "p1", 1.5, "p2", 2.0, "p3", 1.5, "p4", 1.0,
                "p5", 2.0));
        a.put("p6", null);
        Map<String, Double> b = Map.of("p0", 1.0, "p1", 1.5, "p2", 1.5, "p3", 1.0, "p4", 1.5, "p6", 1.0);

        PairedDifference d = PairedDifference.of(a, b);

        double se = Math.sqrt(1.3 / 4 / 5);
        double t = PairedDifference.studentT975(4);
        assertThat(d.n()).isEqualTo(5);
        assertThat(d.meanDifference()).isCloseTo(30.0, within(1e-9));
        assertThat(d.standardError()).isCloseTo(se * 100, within(1e-9));
        assertThat(d.low()).isCloseTo((0.3 - t * se) * 100, within(1e-9));
        assertThat(d.high()).isCloseTo((0.3 + t * se) * 100, within(1e-9));
        assertThat(t).isCloseTo(2.776445, within(1e-3));
    }

    @Test
    void degenerateCases() {
        assertThat(PairedDifference.of(Map.of("a", 2.0), Map.of("b", 1.0)).n()).isZero();
        assertThat(PairedDifference.of(Map.of("a", 2.0), Map.of("b", 1.0)).meanDifference()).isNaN();
        PairedDifference one = PairedDifference.of(Map.of("a", 2.0), Map.of("a", 1.0));
        assertThat(one.meanDifference()).isCloseTo(100.0, within(1e-12));
        assertThat(one.standardError()).isNaN();
        PairedDifference same = PairedDifference.of(Map.of("a", 2.0, "b", 1.0), Map.of("a", 2.0, "b", 1.0));
        assertThat(same.meanDifference()).isCloseTo(0.0, within(1e-12));
        assertThat(same.standardError()).isCloseTo(0.0, within(1e-12));
    }
}
