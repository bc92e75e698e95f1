package dev.tralign.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tralign.trainer.optim.LrScheduler;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class OptimTest {

    @Test
    void scheduleWarmsUpLinearlyThenDecays() {
        LearningRateSchedule linear = new LearningRateSchedule(LrScheduler.LINEAR, 1.0, 2, 10);
        assertThat(linear.at(0)).isZero();
        assertThat(linear.at(1)).isEqualTo(0.5);
        assertThat(linear.at(2)).isEqualTo(1.0);
        assertThat(linear.at(6)).isEqualTo(0.5);
        assertThat(linear.at(10)).isZero();
        LearningRateSchedule cosine = new LearningRateSchedule(LrScheduler.COSINE, 1.0, 0, 10);
        assertThat(cosine.at(5)).isCloseTo(0.5, Offset.offset(1e-12));
        assertThat(new LearningRateSchedule(LrScheduler.CONSTANT, 0.3, 0, 0).at(1000)).isEqualTo(0.3);
    }

    @Test
    void globalNormClipsAllGradientsTogether() {
        try (NDManager m = NDManager.newBaseManager()) {
            double norm = GradientClipping.globalNorm(m.create(new float[] {3f, 4f}));
            assertThat(norm).isCloseTo(5.0, Offset.offset(1e-6));
            assertThat(GradientClipping.factor(norm, 1.0)).isCloseTo(0.2, Offset.offset(1e-6));
            assertThat(GradientClipping.factor(norm, 10.0)).isEqualTo(1.0);
            assertThat(GradientClipping.factor(norm, 0)).isEqualTo(1.0);
        }
    }

    @Test
    void adamWMatchesTheFormulaOverTwoSteps() {
        List<ParameterSpec> specs = List.of(new ParameterSpec("w.weight", new long[] {2}, ParameterSpec.Init.ZEROS),
                new ParameterSpec("w.bias", new long[] {1}, ParameterSpec.Init.ZEROS));
        try (ParameterSet params = ParameterSet.fromValues(specs, Device.cpu(),
                Map.of("w.weight", new float[] {1f, -2f}, "w.bias", new float[] {0.5f}));
                AdamW adam = new AdamW(params, 0.9, 0.999, 1e-8, 0.1);
                NDManager m = NDManager.newBaseManager()) {
            double lr = 0.01;
            double p = 1.0;
            double mom = 0;
            double vel = 0;
            double[] gs = {0.5, -0.25};
            for (int t = 1; t <= 2; t++) {
                double g = gs[t - 1];
                NDArray grads = m.create(new float[] {(float) g, 0f, (float) g});
                Autograd.withGrad(false, () -> {
                    adam.step(params, grads, lr);
                    return null;
                });
                p *= 1 - lr * 0.1;
                mom = 0.9 * mom + 0.1 * g;
                vel = 0.999 * vel + 0.001 * g * g;
                double mHat = mom / (1 - Math.pow(0.9, t));
                double vHat = vel / (1 - Math.pow(0.999, t));
                p -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
            }
            assertThat((double) params.get("w.weight").toFloatArray()[0]).isCloseTo(p, Offset.offset(1e-6));
            // Zero gradient and decay: only the decoupled decay moves the second weight.
            assertThat((double) params.get("w.weight").toFloatArray()[1])
                    .isCloseTo(-2.0 * Math.pow(1 - lr * 0.1, 2), Offset.offset(1e-6));
            // Biases are not decayed.
            double bias = params.get("w.bias").toFloatArray()[0];
            assertThat(bias).isCloseTo(p - 1.0 * Math.pow(1 - lr * 0.1, 2) + 0.5, Offset.offset(1e-5));
            assertThat(adam.updates()).isEqualTo(2);
        }
    }
}
