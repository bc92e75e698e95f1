package dev.tralign.evaluator.kl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class KlAccumulatorTest {

    @Test
    void perSequenceAndPerTokenByHand() {
        // log-ratios 2, 4, -0.5 over lengths 4, 6, 2: per sequence 5.5/3, per token 5.5/12.
        KlAccumulator kl = KlAccumulator.of(List.of(
                new SampleLogProbs(-10.0, -12.0, 4),
                new SampleLogProbs(-20.0, -24.0, 6),
                new SampleLogProbs(-3.0, -2.5, 2)));
        assertThat(kl.samples()).isEqualTo(3);
        assertThat(kl.perSequence()).hasValueCloseTo(5.5 / 3, within(1e-12));
        assertThat(kl.perToken()).hasValueCloseTo(5.5 / 12, within(1e-12));
    }

    @Test
    void identicalModelsHaveZeroKl() {
        KlAccumulator kl = KlAccumulator.of(List.of(new SampleLogProbs(-7.0, -7.0, 3), new SampleLogProbs(-1, -1, 1)));
        assertThat(kl.perSequence()).hasValue(0.0);
        assertThat(kl.perToken()).hasValue(0.0);
    }

    @Test
    void subtractUndoesAdd() {
        SampleLogProbs extra = new SampleLogProbs(-1.0, -9.0, 5);
        KlAccumulator base = KlAccumulator.of(List.of(new SampleLogProbs(-3.0, -4.0, 2)));
        assertThat(base.add(extra).subtract(extra)).isEqualTo(base);
    }

    @Test
    void emptyHasNoEstimate() {
        assertThat(KlAccumulator.EMPTY.perSequence()).isEmpty();
        assertThat(KlAccumulator.EMPTY.perToken()).isEmpty();
        assertThatThrownBy(() -> new SampleLogProbs(Double.NEGATIVE_INFINITY, -1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
