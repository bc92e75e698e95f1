package dev.tralign.trainer.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class StepMetricsTest {

    @Test
    void pairMetricsAreBatchMeansWithStrictAccuracy() {
        Map<String, Double> m = StepMetrics.pairs(new float[] {0.5f, 0f, -1f}, new float[] {0.25f, 0f, -0.5f},
                new float[] {-1, -2, -3, -4, -5, -6}, new float[] {3, 0, 6, 1, 2, 3}, new float[] {3, 0, 2, 1, 1, 4});
        assertThat(m.get("rewards/chosen")).isCloseTo(-0.5 / 3, Offset.offset(1e-9));
        assertThat(m.get("rewards/margins")).isCloseTo((-0.5 + 0.25) / 3, Offset.offset(1e-9));
        // 0.5 > 0.25 counts, the tie does not, -1 < -0.5 does not.
        assertThat(m.get("rewards/accuracies")).isCloseTo(1.0 / 3, Offset.offset(1e-9));
        assertThat(m.get("logps/chosen")).isEqualTo(-2.0);
        assertThat(m.get("logps/rejected")).isEqualTo(-5.0);
        // Per scored token over the batch, as TRL divides them: (3 + 0 + 6) / 5 and (1 + 2 + 3) / 6.
        assertThat(m.get("logits/chosen")).isCloseTo(9.0 / 5, Offset.offset(1e-9));
        assertThat(m.get("logits/rejected")).isCloseTo(1.0, Offset.offset(1e-9));
    }

    @Test
    void logitsAreZeroWhenNoTokenWasScored() {
        Map<String, Double> m = StepMetrics.pairs(new float[] {0f}, new float[] {0f}, new float[] {0, 0},
                new float[] {0, 0}, new float[] {0, 0});
        assertThat(m.get("logits/chosen")).isZero();
        assertThat(m.get("logits/rejected")).isZero();
    }

    @Test
    void feedbackMetricsSplitByLabelAndOmitAbsentGroups() {
        Map<String, Double> both = StepMetrics.feedback(new float[] {1f, -1f, 3f}, new float[] {-1, -2, -3},
                new float[] {4, 5, 2}, new int[] {2, 5, 4}, new float[] {1, 0, 1}, 0.25);
        assertThat(both.get("rewards/chosen")).isEqualTo(2.0);
        assertThat(both.get("rewards/rejected")).isEqualTo(-1.0);
        assertThat(both.get("rewards/margins")).isEqualTo(3.0);
        assertThat(both.get("logps/rejected")).isEqualTo(-2.0);
        assertThat(both.get("kl")).isEqualTo(0.25);
        assertThat(both.get("logits/chosen")).isEqualTo(1.0); // (4 + 2) / (2 + 4)
        assertThat(both.get("logits/rejected")).isEqualTo(1.0); // 5 / 5
        Map<String, Double> good = StepMetrics.feedback(new float[] {1f}, new float[] {-1}, new float[] {2},
                new int[] {4}, new float[] {1}, 0);
        assertThat(good).containsKeys("rewards/chosen", "logits/chosen", "kl")
                .doesNotContainKeys("rewards/rejected", "logits/rejected", "rewards/margins");
    }
}
