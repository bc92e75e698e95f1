package dev.tralign.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class GptModelTest {

    private static final ModelConfig SHAPE = new ModelConfig(11, 8, 2, 2, 6);

    @Test
    void parameterCountMatchesTheLayout() {
        long sum = ParameterLayout.of(SHAPE).stream().mapToLong(ParameterSpec::size).sum();
        assertThat(SHAPE.parameterCount()).isEqualTo(sum);
        // The peer's model at shape M has 421,440 parameters (torch_dpo_step.py prints it).
        assertThat(new ModelConfig(64, 128, 2, 4, 64).parameterCount()).isEqualTo(421_440);
    }

    @Test
    void logitsAreCausalAndLogProbsNormalised() {
        try (GptModel model = new GptModel(SHAPE, Device.cpu());
                ParameterSet params = ParameterSet.initialise(SHAPE, 3, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new long[] {1, 2, 3, 4, 5}, new Shape(1, 5));
            NDArray b = m.create(new long[] {1, 2, 3, 9, 10}, new Shape(1, 5));
            float[] la = model.logits(params, a).toFloatArray();
            float[] lb = model.logits(params, b).toFloatArray();
            int v = SHAPE.vocabSize();
            for (int i = 0; i < 3 * v; i++) {
                assertThat(lb[i]).isEqualTo(la[i]);
            }
            boolean laterDiffer = false;
            for (int i = 3 * v; i < 5 * v; i++) {
                laterDiffer |= la[i] != lb[i];
            }
            assertThat(laterDiffer).isTrue();
            float[] probs = model.logits(params, a).softmax(2).sum(new int[] {2}).toFloatArray();
            for (float p : probs) {
                assertThat((double) p).isCloseTo(1.0, Offset.offset(1e-5));
            }
        }
    }

    @Test
    void initialisationIsSeededAndReproducible() {
        try (ParameterSet a = ParameterSet.initialise(SHAPE, 1, Device.cpu());
                ParameterSet b = ParameterSet.initialise(SHAPE, 1, Device.cpu());
                ParameterSet c = ParameterSet.initialise(SHAPE, 2, Device.cpu())) {
            assertThat(a.sha256()).isEqualTo(b.sha256()).isNotEqualTo(c.sha256());
            float[] ln = a.get("blocks.0.ln1.weight").toFloatArray();
            assertThat(ln).containsOnly(1f);
            assertThat(a.get("head.bias").toFloatArray()).containsOnly(0f);
        }
    }

    @Test
    void cachedDecodingGivesTheLogitsOfAFullForward() {
        int[][] prompts = {{1, 2, 3}, {4}};
        int[][] continuations = {{5, 6, 7}, {8, 9, 10}};
        int v = SHAPE.vocabSize();
        try (GptModel model = new GptModel(SHAPE, Device.cpu());
                ParameterSet params = ParameterSet.initialise(SHAPE, 5, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            long[] ids = {1, 2, 3, 4, 0, 0};
            float[][] first = new float[1][];
            float[][] steps = new float[3][];
            try (GptModel.DecodeCache cache = model.prefill(params, ids, new int[] {3, 1}, 3, first)) {
                steps[0] = first[0];
                steps[1] = cache.next(new int[] {5, 8});
                steps[2] = cache.next(new int[] {6, 9});
            }
            for (int r = 0; r < 2; r++) {
                int[] p = prompts[r];
                long[] full = new long[p.length + 2];
                for (int t = 0; t < p.length; t++) {
                    full[t] = p[t];
                }
                full[p.length] = continuations[r][0];
                full[p.length + 1] = continuations[r][1];
                float[] logits = model.logits(params, m.create(full, new Shape(1, full.length))).toFloatArray();
                for (int s = 0; s < 3; s++) {
                    int position = p.length - 1 + s;
                    for (int k = 0; k < v; k++) {
                        assertThat((double) steps[s][r * v + k]).as("row %d step %d", r, s)
                                .isCloseTo(logits[position * v + k], Offset.offset(1e-5));
                    }
                }
            }
        }
    }
}
