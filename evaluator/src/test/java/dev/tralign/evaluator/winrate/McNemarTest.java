package dev.tralign.evaluator.winrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class McNemarTest {

    @Test
    void countsOnlyDisagreementsAndGivesTheExactBinomialTail() {
        McNemar t = McNemar.of(Map.of("a", 2.0, "b", 2.0, "c", 1.5, "d", 1.0, "e", 2.0),
                Map.of("a", 1.0, "b", 1.0, "c", 1.5, "d", 2.0, "x", 1.0));
        assertThat(t.prompts()).isEqualTo(4);
        assertThat(t.better()).isEqualTo(2);
        assertThat(t.worse()).isEqualTo(1);
        // P(X >= 2), X ~ Bin(3, 1/2) = (3 + 1) / 8.
        assertThat(t.pValue()).isCloseTo(0.5, within(1e-15));
        assertThat(t.significant(0.05)).isFalse();
    }

    @Test
    void tailsStayAccurateForLargeCounts() {
        assertThat(McNemar.upperTail(0, 0)).isEqualTo(1.0);
        assertThat(McNemar.upperTail(10, 11)).isEqualTo(0.0);
        assertThat(McNemar.upperTail(2000, 1000)).isCloseTo(0.5 + 0.5 * 0.017839, within(1e-5));
        assertThat(McNemar.upperTail(2000, 1100)).isBetween(0.0, 1e-5).isPositive();
    }
}
