package dev.tralign.evaluator.winrate;

import java.util.Arrays;
import java.util.List;

/**
 * AlpacaEval's length-controlled win rate, GLM {@code length_controlled_minimal} of tatsu-lab/alpaca_eval
 * ({@code src/alpaca_eval/metrics/glm_winrate.py}): the win rate the candidate would have if its outputs were as
 * long as the baseline's. Judges reward length; this takes the length effect out.
 *
 * <p>What is matched, step by step (DESIGN.md section 6):
 * <ol>
 *   <li>delta_i = len(baseline_i) - len(candidate_i) in code points; s = sample standard deviation of delta with
 *       N-1 over every judgment, missing ones included (alpaca_eval standardises before dropping them);
 *       x_i = tanh(delta_i / s), not centred. When s = 0 the limit is used: x_i = sign(delta_i) (alpaca_eval
 *       would divide by zero).</li>
 *   <li>features [x_i, 1], no intercept; target y_i = preference - 1 in [0,1] (0 = legacy tie was already
 *       normalised to 1.5); each row enters as label 1 with weight y and label 0 with weight 1 - y, which is
 *       logistic loss with a soft target ({@link L1LogisticRegression}).</li>
 *   <li>penalty: L1 with C from 10^linspace(-4, 4, 10), chosen by 5-fold cross-validation with the folds of
 *       scikit-learn's GroupKFold on this data (row i of the n judged rows in fold (n-1-i) mod 5), scored by the
 *       mean log loss with soft targets and probabilities clipped to [1e-15, 1 - 1e-15]; the first C with the
 *       best mean score wins; then one fit on all rows with that C.</li>
 *   <li>LC = 100 * sigmoid(w_const): the prediction at delta = 0 (x = tanh(0) = 0).</li>
 *   <li>lc_standard_error = SEM (N-1) of the per-judgment predictions at delta = 0, times 100, as alpaca_eval
 *       computes it. With the minimal formula every prediction is the same number, so it is 0 (alpaca_eval
 *       prints about 1e-14 from rounding): it is not an uncertainty of LC. Only the leaderboard's formula, with a
 *       per-prompt instruction difficulty, makes the predictions differ.</li>
 * </ol>
 * Needs at least 5 judged rows (one per fold); fewer gives NaN. Rows are used in the order given, and the folds
 * depend on it: callers that aggregate in arrival order should sort first (the stream sorts by prompt id).
 *
 * <p>Checked against alpaca_eval's own code (LengthControlledConformanceTest): it gives 19.549 for alpaca-7b's
 * AlpacaEval 2 annotations, we give 19.611, which is the exact optimum of the same problem (its code with liblinear's
 * tol lowered from 1e-4 to 1e-12 gives 19.611 too). The published leaderboard LC uses {@code length_controlled_v1}
 * (instruction difficulty, regularisation towards gamed baselines) and differs from ours by 0.5 to 13.7 points on
 * the shared data (docs/evaluator.md).
 *
 * @param winRate the length-controlled win rate, percent (NaN when undefined)
 * @param standardError alpaca_eval's lc_standard_error, percent (0 for this formula; NaN when undefined)
 * @param nJudged judged rows in the fit
 * @param lengthWeight the weight of tanh(delta / s): negative when the judge prefers the longer output
 * @param c the chosen inverse penalty strength
 */
public record LengthControlledWinRate(double winRate, double standardError, long nJudged, double lengthWeight,
        double c) {

    /** Folds of the cross-validation, as alpaca_eval's {@code n_splits}. */
    public static final int FOLDS = 5;
    private static final double CLIP = 1e-15;
    private static final double[] CS = candidateCs();

    /** Undefined: too few judgments. */
    public static LengthControlledWinRate undefined(long nJudged) {
        return new LengthControlledWinRate(Double.NaN, Double.NaN, nJudged, Double.NaN, Double.NaN);
    }

    /** The length-controlled win rate of judgments in the order given. */
    public static LengthControlledWinRate of(List<LengthJudgment> judgments) {
        double[] features = standardisedLengthDifferences(judgments);
        int judged = 0;
        for (LengthJudgment j : judgments) {
            judged += j.judged() ? 1 : 0;
        }
        if (judged < FOLDS) {
            return undefined(judged);
        }
        double[][] x = new double[judged][];
        double[] y = new double[judged];
        int row = 0;
        for (int i = 0; i < judgments.size(); i++) {
            if (judgments.get(i).judged()) {
                x[row] = new double[] {features[i], 1.0};
                y[row] = judgments.get(i).preference() - 1;
                row++;
            }
        }
        double c = crossValidatedC(x, y);
        double[] w = L1LogisticRegression.fit(x, y, c, null);
        // Prediction for every judgment (missing ones too, as alpaca_eval predicts its whole test frame) at delta 0.
        double[] predictions = new double[judgments.size()];
        Arrays.fill(predictions, L1LogisticRegression.predict(w, new double[] {0.0, 1.0}));
        return new LengthControlledWinRate(mean(predictions) * 100, sem(predictions) * 100, judged, w[0], c);
    }

    /** x_i = tanh(delta_i / s), s the sample standard deviation of delta over all rows. */
    static double[] standardisedLengthDifferences(List<LengthJudgment> judgments) {
        int n = judgments.size();
        double[] delta = new double[n];
        for (int i = 0; i < n; i++) {
            delta[i] = (double) judgments.get(i).baselineLength() - judgments.get(i).candidateLength();
        }
        double s = n < 2 ? 0 : Math.sqrt(squaredDeviations(delta) / (n - 1));
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = s > 0 ? Math.tanh(delta[i] / s) : Math.signum(delta[i]);
        }
        return x;
    }

    /** 10^linspace(-4, 4, 10): scikit-learn's default Cs = 10. */
    private static double[] candidateCs() {
        double[] cs = new double[10];
        for (int k = 0; k < cs.length; k++) {
            cs[k] = Math.pow(10, -4 + 8.0 * k / (cs.length - 1));
        }
        return cs;
    }

    private static double crossValidatedC(double[][] x, double[] y) {
        int n = x.length;
        double[] scoreSums = new double[CS.length];
        for (int fold = 0; fold < FOLDS; fold++) {
            int testSize = 0;
            for (int i = 0; i < n; i++) {
                testSize += foldOf(i, n) == fold ? 1 : 0;
            }
            double[][] trainX = new double[n - testSize][];
            double[] trainY = new double[n - testSize];
            double[][] testX = new double[testSize][];
            double[] testY = new double[testSize];
            int train = 0;
            int test = 0;
            for (int i = 0; i < n; i++) {
                if (foldOf(i, n) == fold) {
                    testX[test] = x[i];
                    testY[test++] = y[i];
                } else {
                    trainX[train] = x[i];
                    trainY[train++] = y[i];
                }
            }
            double[] w = null;
            for (int k = 0; k < CS.length; k++) {
                w = L1LogisticRegression.fit(trainX, trainY, CS[k], w); // warm start along the path
                scoreSums[k] -= meanLogLoss(testX, testY, w);
            }
        }
        int best = 0;
        for (int k = 1; k < CS.length; k++) {
            if (scoreSums[k] > scoreSums[best]) {
                best = k;
            }
        }
        return CS[best];
    }

    /** GroupKFold's assignment when every group (a judgment and its mirrored copy) has the same size. */
    static int foldOf(int row, int rows) {
        return (rows - 1 - row) % FOLDS;
    }

    private static double meanLogLoss(double[][] x, double[] y, double[] w) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double q = Math.min(1 - CLIP, Math.max(CLIP, L1LogisticRegression.predict(w, x[i])));
            sum += y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
        }
        return -sum / x.length;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double e : v) {
            sum += e;
        }
        return sum / v.length;
    }

    private static double squaredDeviations(double[] v) {
        double m = mean(v);
        double sum = 0;
        for (double e : v) {
            sum += (e - m) * (e - m);
        }
        return sum;
    }

    private static double sem(double[] v) {
        return v.length < 2 ? Double.NaN : Math.sqrt(squaredDeviations(v) / (v.length - 1)) / Math.sqrt(v.length);
    }
}
