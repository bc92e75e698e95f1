package dev.tralign.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** LD-DPO's token weights and WPO's sequence weights on hand-built masks and distributions. */
class TokenLevelWeightsTest {

    @Test
    void ldDpoCountsTheTailBeyondTheShorterCompletionAlphaTimes() {
        // Two pairs, width 5. Pair 0: chosen has 3 completion tokens, rejected 4 -> shared 3, the rejected's 4th is
        // tail. Pair 1: chosen 2, rejected 1 -> shared 1, the chosen's 2nd is tail.
        float[] mask = {
            0, 1, 1, 1, 0,    // chosen 0
            1, 1, 0, 0, 0,    // chosen 1
            0, 1, 1, 1, 1,    // rejected 0
            0, 0, 1, 0, 0};   // rejected 1
        float[] w = LdDpoMask.weights(mask, 4, 5, 0.25);
        assertThat(w).containsExactly(
                0, 1, 1, 1, 0,
                1, 0.25f, 0, 0, 0,
                0, 1, 1, 1, 0.25f,
                0, 0, 1, 0, 0);
        assertThat(LdDpoMask.weights(mask, 4, 5, 1.0)).containsExactly(mask);
    }

    @Test
    void wpoWeightIsTheAlignedLengthNormalisedProbability() {
        try (NDManager m = NDManager.newBaseManager()) {
            // One row, two positions, vocabulary of 2: p = (0.8, 0.2) then (0.5, 0.5); targets 0 then 1, both scored.
            double[] p = {0.8, 0.2, 0.5, 0.5};
            double[] logP = new double[4];
            for (int i = 0; i < 4; i++) {
                logP[i] = Math.log(p[i]);
            }
            NDArray logProbs = m.create(logP, new Shape(1, 2, 2));
            NDArray tokens = m.create(new double[] {Math.log(0.8), Math.log(0.5)}, new Shape(1, 2));
            NDArray mask = m.create(new double[] {1, 1}, new Shape(1, 2));
            // log sum p^2: log(0.68) and log(0.5); w = exp(mean(log 0.8 - log 0.68, log 0.5 - log 0.5)).
            double expected = Math.exp((Math.log(0.8 / 0.68) + 0) / 2);
            assertThat(WpoWeights.of(logProbs, tokens, mask).toDoubleArray()[0])
                    .isCloseTo(expected, Offset.offset(1e-12));
            // A masked position does not count, and the mean is over scored tokens only.
            NDArray first = m.create(new double[] {1, 0}, new Shape(1, 2));
            assertThat(WpoWeights.of(logProbs, tokens, first).toDoubleArray()[0])
                    .isCloseTo(0.8 / 0.68, Offset.offset(1e-12));
        }
    }

    @Test
    void wpoMultipliesEachPairByItsChosenAndRejectedWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            LossOutput out = new LossOutput(m.create(new double[] {2, 3}), m.create(new double[] {0, 0}),
                    m.create(new double[] {0, 0}));
            NDArray rows = m.create(new double[] {0.5, 2, 0.25, 1});    // chosen rows, then rejected rows
            assertThat(WpoWeights.apply(out, rows).losses().toDoubleArray()).containsExactly(2 * 0.5 * 0.25, 3 * 2.0);
        }
    }
}
