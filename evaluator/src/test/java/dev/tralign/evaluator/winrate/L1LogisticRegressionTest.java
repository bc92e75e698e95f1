package dev.tralign.evaluator.winrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class L1LogisticRegressionTest {

    @Test
    void oneConstantFeatureHasAClosedFormOptimum() {
        // F(w) = |w| + C sum_i [y_i softplus(-w) + (1 - y_i) softplus(w)]; for w > 0 the optimum has
        // C n (sigmoid(w) - mean y) + 1 = 0, i.e. sigmoid(w) = mean y - 1 / (C n).
        double[][] x = {{1}, {1}, {1}, {1}, {1}};
        double[] y = {1, 1, 0.5, 0.9, 0.6}; // mean 0.8
        double c = 2.0;
        double[] w = L1LogisticRegression.fit(x, y, c, null);
        assertThat(L1LogisticRegression.sigmoid(w[0])).isCloseTo(0.8 - 1 / (c * 5), within(1e-12));
    }

    @Test
    void aStrongPenaltyZeroesTheWeights() {
        // At w = 0 the smooth gradient is C sum (0.5 - y) = 1e-3 * 5 * (-0.3), inside [-1, 1]: w = 0 exactly.
        double[][] x = {{1, 0.3}, {1, -0.2}, {1, 0.9}, {1, 0.1}, {1, -0.5}};
        double[] y = {1, 1, 0.5, 0.9, 0.6};
        assertThat(L1LogisticRegression.fit(x, y, 1e-3, null)).containsExactly(0.0, 0.0);
    }

    @Test
    void theFitSatisfiesTheOptimalityConditionsOnRandomData() {
        Random random = new Random(7);
        int n = 300;
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {Math.tanh(random.nextGaussian()), 1.0, random.nextGaussian()};
            double p = L1LogisticRegression.sigmoid(-1.5 * x[i][0] + 0.4);
            y[i] = random.nextDouble() < 0.3 ? random.nextDouble() : (random.nextDouble() < p ? 1 : 0);
        }
        for (double c : new double[] {1e-3, 0.05, 1, 100, 1e4}) {
            double[] w = L1LogisticRegression.fit(x, y, c, null);
            double[] gradient = new double[3];
            for (int i = 0; i < n; i++) {
                double q = L1LogisticRegression.predict(w, x[i]);
                for (int j = 0; j < 3; j++) {
                    gradient[j] += c * (q - y[i]) * x[i][j];
                }
            }
            for (int j = 0; j < 3; j++) {
                // KKT: gradient = -sign(w) where w != 0, |gradient| <= 1 where w = 0.
                if (w[j] != 0) {
                    assertThat(gradient[j]).as("C=%s j=%d", c, j).isCloseTo(-Math.signum(w[j]), within(1e-7));
                } else {
                    assertThat(Math.abs(gradient[j])).as("C=%s j=%d", c, j).isLessThanOrEqualTo(1 + 1e-9);
                }
            }
            // No nearby point does better.
            double best = L1LogisticRegression.objective(x, y, c, w);
            for (int j = 0; j < 3; j++) {
                for (double h : new double[] {-1e-4, 1e-4}) {
                    double[] moved = w.clone();
                    moved[j] += h;
                    assertThat(L1LogisticRegression.objective(x, y, c, moved)).isGreaterThanOrEqualTo(best - 1e-12);
                }
            }
        }
    }

    @Test
    void aWarmStartReachesTheSameOptimum() {
        double[][] x = {{0.5, 1}, {-0.3, 1}, {0.9, 1}, {-0.8, 1}, {0.1, 1}, {-0.2, 1}};
        double[] y = {0.2, 0.9, 0.1, 1, 0.5, 0.7};
        double[] cold = L1LogisticRegression.fit(x, y, 10, null);
        double[] warm = L1LogisticRegression.fit(x, y, 10, new double[] {5, -5});
        assertThat(warm[0]).isCloseTo(cold[0], within(1e-9));
        assertThat(warm[1]).isCloseTo(cold[1], within(1e-9));
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> L1LogisticRegression.fit(new double[][] {{1}}, new double[] {1, 0}, 1, null))
                .hasMessageContaining("1 rows but y has 2");
        assertThatThrownBy(() -> L1LogisticRegression.fit(new double[][] {{1}}, new double[] {1}, 0, null))
                .hasMessageContaining("C must be a positive finite number");
    }
}
