package dev.tralign.evaluator.winrate;

/**
 * L1-penalised logistic regression with soft targets and no intercept, the problem scikit-learn's liblinear
 * solver answers for {@code LogisticRegression(penalty="l1", fit_intercept=False, C=c)} when each row enters twice
 * (label 1 with weight y, label 0 with weight 1 - y), as AlpacaEval's GLM does:
 *
 * <pre>
 * minimise  F(w) = sum_j |w_j| + C * sum_i [ y_i * softplus(-w.x_i) + (1 - y_i) * softplus(w.x_i) ]
 * </pre>
 *
 * Solved to near machine precision by proximal Newton (the smooth part's gradient and Hessian, the L1 term kept
 * exact; each Newton subproblem by cyclic coordinate descent with soft thresholding, then an Armijo line search on
 * F), the scheme liblinear's newGLMNET uses. liblinear stops at a looser tolerance, so its weights and ours agree
 * to a few 1e-4, not bit for bit. Meant for a handful of features; the Hessian is dense.
 */
public final class L1LogisticRegression {

    private static final int MAX_NEWTON_STEPS = 100;
    private static final int MAX_SUBPROBLEM_SWEEPS = 1000;
    private static final double ARMIJO = 0.01;

    private L1LogisticRegression() {
    }

    /**
     * Fits the weights.
     *
     * @param x rows of features, all of one length d
     * @param y soft targets in [0,1], one per row
     * @param c inverse penalty strength, &gt; 0
     * @param start starting weights (length d), e.g. the fit at a neighbouring C; null for zeros
     * @return the minimiser of F
     */
    public static double[] fit(double[][] x, double[] y, double c, double[] start) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x has " + x.length + " rows but y has " + y.length);
        }
        if (!(c > 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("C must be a positive finite number, got " + c);
        }
        int d = x.length == 0 ? (start == null ? 0 : start.length) : x[0].length;
        double[] w = start == null ? new double[d] : start.clone();
        if (w.length != d) {
            throw new IllegalArgumentException("start has " + w.length + " weights for " + d + " features");
        }
        int n = x.length;
        // z = Xw and e = exp(-|z|) are kept per row, so each Newton step costs one exp and one log1p per row.
        double[] z = new double[n];
        double[] e = new double[n];
        double objective = evaluateAt(x, y, c, w, z, e);
        double[] nextZ = new double[n];
        double[] nextE = new double[n];
        double[] xd = new double[n];
        for (int iteration = 0; iteration < MAX_NEWTON_STEPS; iteration++) {
            double[] gradient = new double[d];
            double[][] hessian = new double[d][d];
            smoothDerivatives(x, y, c, z, e, gradient, hessian);
            if (subgradientNorm(w, gradient) <= 1e-12 * Math.max(1.0, c * n)) {
                break;
            }
            double[] direction = newtonDirection(w, gradient, hessian);
            double decrease = l1(add(w, direction, 1.0)) - l1(w);
            for (int j = 0; j < d; j++) {
                decrease += gradient[j] * direction[j];
            }
            if (!(decrease < 0)) {
                break; // no descent left
            }
            if (decrease > -1e-13 * (Math.abs(objective) + 1)) {
                // What is left to gain is below the objective's rounding, where a line search can only halve
                // blindly; this close, the full Newton step is the better answer.
                w = add(w, direction, 1.0);
                break;
            }
            for (int i = 0; i < n; i++) {
                xd[i] = dot(direction, x[i]);
            }
            double step = 1.0;
            double[] next = add(w, direction, step);
            double nextObjective = evaluateStep(x, y, c, next, xd, step, z, nextE, nextZ);
            while (nextObjective > objective + ARMIJO * step * decrease && step > 1e-12) {
                step /= 2;
                next = add(w, direction, step);
                nextObjective = evaluateStep(x, y, c, next, xd, step, z, nextE, nextZ);
            }
            if (nextObjective > objective) {
                break;
            }
            boolean converged = maxAbs(direction) * step <= 1e-13 * Math.max(1.0, maxAbs(w));
            w = next;
            objective = nextObjective;
            double[] swap = z;
            z = nextZ;
            nextZ = swap;
            swap = e;
            e = nextE;
            nextE = swap;
            if (converged) {
                break;
            }
        }
        return w;
    }

    /** F(w) from scratch, filling z = Xw and e = exp(-|z|). */
    private static double evaluateAt(double[][] x, double[] y, double c, double[] w, double[] z, double[] e) {
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            z[i] = dot(w, x[i]);
            e[i] = Math.exp(-Math.abs(z[i]));
            loss += rowLoss(y[i], z[i], e[i]);
        }
        return l1(w) + c * loss;
    }

    /** F(w + step d) from z = Xw and xd = Xd, filling the new z and e. */
    private static double evaluateStep(double[][] x, double[] y, double c, double[] next, double[] xd, double step,
            double[] z, double[] newE, double[] newZ) {
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            newZ[i] = z[i] + step * xd[i];
            newE[i] = Math.exp(-Math.abs(newZ[i]));
            loss += rowLoss(y[i], newZ[i], newE[i]);
        }
        return l1(next) + c * loss;
    }

    /** y softplus(-z) + (1 - y) softplus(z) with e = exp(-|z|): softplus(z) = max(z, 0) + log1p(e). */
    private static double rowLoss(double y, double z, double e) {
        double log = Math.log(1 + e); // e in (0, 1]: log1p would gain nothing that shows in F, at twice the cost
        return y * (Math.max(-z, 0) + log) + (1 - y) * (Math.max(z, 0) + log);
    }

    /** The objective F(w). */
    static double objective(double[][] x, double[] y, double c, double[] w) {
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            double z = dot(w, x[i]);
            loss += y[i] * softplus(-z) + (1 - y[i]) * softplus(z);
        }
        return l1(w) + c * loss;
    }

    /** P(label 1 | row) = sigmoid(w.x). */
    public static double predict(double[] w, double[] row) {
        return sigmoid(dot(w, row));
    }

    /** log(1 + e^z) without overflow. */
    static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    /** 1 / (1 + e^-z) without overflow. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    private static void smoothDerivatives(double[][] x, double[] y, double c, double[] z, double[] e,
            double[] gradient, double[][] hessian) {
        int d = gradient.length;
        for (int i = 0; i < x.length; i++) {
            double q = z[i] >= 0 ? 1 / (1 + e[i]) : e[i] / (1 + e[i]);
            double residual = c * (q - y[i]);
            double curvature = c * q * (1 - q);
            for (int j = 0; j < d; j++) {
                gradient[j] += residual * x[i][j];
                for (int k = 0; k <= j; k++) {
                    hessian[j][k] += curvature * x[i][j] * x[i][k];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < j; k++) {
                hessian[k][j] = hessian[j][k];
            }
            hessian[j][j] += 1e-12; // keeps a coordinate whose feature is all zeros well defined
        }
    }

    /** The smallest subgradient of F at w, in max norm: zero exactly at the optimum. */
    private static double subgradientNorm(double[] w, double[] gradient) {
        double norm = 0;
        for (int j = 0; j < w.length; j++) {
            double g;
            if (w[j] > 0) {
                g = Math.abs(gradient[j] + 1);
            } else if (w[j] < 0) {
                g = Math.abs(gradient[j] - 1);
            } else {
                g = Math.max(0, Math.abs(gradient[j]) - 1);
            }
            norm = Math.max(norm, g);
        }
        return norm;
    }

    /** argmin_t g.t + t'Ht/2 + |w + t|_1 by cyclic coordinate descent. */
    private static double[] newtonDirection(double[] w, double[] gradient, double[][] hessian) {
        int d = w.length;
        double[] t = new double[d];
        double[] ht = new double[d]; // H t, kept up to date
        for (int sweep = 0; sweep < MAX_SUBPROBLEM_SWEEPS; sweep++) {
            double largestChange = 0;
            for (int j = 0; j < d; j++) {
                double a = hessian[j][j];
                double b = gradient[j] + ht[j] - a * t[j];
                // minimise a/2 (u - w_j)^2 + b (u - w_j) + |u| over u = w_j + t_j
                double u = softThreshold(w[j] - b / a, 1 / a);
                double change = (u - w[j]) - t[j];
                if (change != 0) {
                    t[j] += change;
                    for (int k = 0; k < d; k++) {
                        ht[k] += hessian[k][j] * change;
                    }
                    largestChange = Math.max(largestChange, Math.abs(change));
                }
            }
            if (largestChange <= 1e-15 * Math.max(1.0, maxAbs(t))) {
                break;
            }
        }
        return t;
    }

    private static double softThreshold(double v, double threshold) {
        return Math.signum(v) * Math.max(0, Math.abs(v) - threshold);
    }

    private static double dot(double[] w, double[] row) {
        double z = 0;
        for (int j = 0; j < w.length; j++) {
            z += w[j] * row[j];
        }
        return z;
    }

    private static double l1(double[] w) {
        double sum = 0;
        for (double v : w) {
            sum += Math.abs(v);
        }
        return sum;
    }

    private static double maxAbs(double[] v) {
        double max = 0;
        for (double e : v) {
            max = Math.max(max, Math.abs(e));
        }
        return max;
    }

    private static double[] add(double[] w, double[] direction, double step) {
        double[] out = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            out[j] = w[j] + step * direction[j];
        }
        return out;
    }
}
