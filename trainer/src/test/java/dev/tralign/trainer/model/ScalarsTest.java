package dev.tralign.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/** Constants reach libtorch in the arrays' dtype: a float64 loss sees 0.1, not the float nearest to it. */
class ScalarsTest {

    @Test
    void float64ConstantsAreExactAndFloat32OnesAreTheNearestFloat() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray doubles = m.create(new double[] {1.0});
            NDArray floats = m.create(new float[] {1f});
            for (double value : new double[] {0.1, 1.0 / 3, Math.PI, -2.5e-7, 123456.789, 0.0}) {
                assertThat(Scalars.constant(doubles, value).getDouble()).isEqualTo(value);
                assertThat(Scalars.constant(doubles, value).getDataType()).isEqualTo(DataType.FLOAT64);
                assertThat(Scalars.constant(floats, value).getFloat()).isEqualTo((float) value);
            }
            assertThat(Scalars.times(doubles, 0.1).getDouble()).isEqualTo(0.1);
            assertThat(Scalars.constant(doubles, Double.POSITIVE_INFINITY).getDouble()).isInfinite();
        }
    }
}
