package dev.tralign.evaluator.ranking;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maximum-likelihood Bradley-Terry strengths: P(i beats j) = sigmoid(theta_i - theta_j), the logistic regression
 * Arena-Hard fits (lmarena/arena-hard-auto, show_result.py / utils/math_utils.py: one column per model, +1 for one
 * side and -1 for the other, no intercept, soft outcomes with ties at 0.5), with the anchor's strength fixed at 0
 * (Arena-Hard anchors its baseline the same way after the fit).
 *
 * <p>Solved by Newton's method with a line search on the likelihood. A ridge of {@link #RIDGE} on the strengths (a
 * prior worth a ten-thousandth of one game) keeps a player that won or lost every game finite, where the plain
 * maximum-likelihood estimate runs off to infinity (Arena-Hard's L-BFGS stops after 50 iterations instead).
 */
public final class BradleyTerry {

    /** L2 penalty on the strengths. */
    public static final double RIDGE = 1e-4;
    private static final int MAX_NEWTON_STEPS = 200;

    private BradleyTerry() {
    }

    /**
     * Strengths on the logit scale, the anchor's 0.
     *
     * @param games the games; every player must reach the anchor through a chain of games
     * @param anchor the player whose strength is 0
     * @return strength per player, the anchor included
     * @throws IllegalArgumentException if the anchor plays no game or some player is not connected to it
     */
    public static Map<String, Double> fit(List<Game> games, String anchor) {
        List<String> players = freePlayers(games, anchor);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < players.size(); i++) {
            index.put(players.get(i), i);
        }
        int p = players.size();
        // The likelihood depends on the games of a pair only through their number and summed outcome, so the
        // games collapse to one row per pair: Newton then costs O(pairs), not O(games), per step.
        Map<Long, double[]> pairs = new HashMap<>();
        for (Game game : games) {
            int i = index.getOrDefault(game.player(), -1); // -1 = the anchor, strength 0
            int j = index.getOrDefault(game.opponent(), -1);
            boolean flip = i > j;
            long key = flip ? pairKey(j, i) : pairKey(i, j);
            double[] totals = pairs.computeIfAbsent(key, k -> new double[2]);
            totals[0] += flip ? 1 - game.outcome() : game.outcome();
            totals[1] += 1;
        }
        int[] a = new int[pairs.size()];
        int[] b = new int[pairs.size()];
        double[] wins = new double[pairs.size()];
        double[] count = new double[pairs.size()];
        int row = 0;
        for (Map.Entry<Long, double[]> e : pairs.entrySet()) {
            a[row] = (int) (e.getKey() >> 32) - 1;
            b[row] = (int) (e.getKey() & 0xffffffffL) - 1;
            wins[row] = e.getValue()[0];
            count[row] = e.getValue()[1];
            row++;
        }
        double[] theta = new double[p];
        double objective = negativeLogLikelihood(theta, a, b, wins, count);
        for (int iteration = 0; iteration < MAX_NEWTON_STEPS; iteration++) {
            double[] gradient = new double[p];
            double[][] hessian = new double[p][p];
            for (int j = 0; j < p; j++) {
                gradient[j] = RIDGE * theta[j];
                hessian[j][j] = RIDGE;
            }
            for (int g = 0; g < a.length; g++) {
                double q = sigmoid(at(theta, a[g]) - at(theta, b[g]));
                double residual = count[g] * q - wins[g];
                double curvature = count[g] * q * (1 - q);
                if (a[g] >= 0) {
                    gradient[a[g]] += residual;
                    hessian[a[g]][a[g]] += curvature;
                }
                if (b[g] >= 0) {
                    gradient[b[g]] -= residual;
                    hessian[b[g]][b[g]] += curvature;
                }
                if (a[g] >= 0 && b[g] >= 0) {
                    hessian[a[g]][b[g]] -= curvature;
                    hessian[b[g]][a[g]] -= curvature;
                }
            }
            double[] step = Cholesky.solve(hessian, gradient);
            double largest = 0;
            for (double s : step) {
                largest = Math.max(largest, Math.abs(s));
            }
            if (largest < 1e-10) {
                break;
            }
            double t = 1.0;
            double[] next = minus(theta, step, t);
            double nextObjective = negativeLogLikelihood(next, a, b, wins, count);
            while (nextObjective > objective && t > 1e-10) {
                t /= 2;
                next = minus(theta, step, t);
                nextObjective = negativeLogLikelihood(next, a, b, wins, count);
            }
            if (nextObjective > objective) {
                break;
            }
            theta = next;
            objective = nextObjective;
        }
        Map<String, Double> strengths = new HashMap<>();
        strengths.put(anchor, 0.0);
        for (int i = 0; i < p; i++) {
            strengths.put(players.get(i), theta[i]);
        }
        return strengths;
    }

    /** The games among players that reach the anchor through games (all of them when the design is connected). */
    static List<Game> reachable(List<Game> games, String anchor) {
        Set<String> reached = reachedFrom(games, anchor);
        List<Game> kept = new ArrayList<>(games.size());
        for (Game g : games) {
            if (reached.contains(g.player())) {
                kept.add(g);
            }
        }
        return kept;
    }

    /** 1 / (1 + e^-z) without overflow. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    /** Every player but the anchor, sorted; checks that all reach the anchor. */
    private static List<String> freePlayers(List<Game> games, String anchor) {
        Set<String> all = new TreeSet<>();
        for (Game g : games) {
            all.add(g.player());
            all.add(g.opponent());
        }
        if (!all.contains(anchor)) {
            throw new IllegalArgumentException("the anchor " + anchor + " plays no game; strengths would be "
                    + "relative to nothing");
        }
        Set<String> unreached = new TreeSet<>(all);
        unreached.removeAll(reachedFrom(games, anchor));
        if (!unreached.isEmpty()) {
            throw new IllegalArgumentException("players " + unreached + " have no chain of games to " + anchor
                    + ", so their strengths cannot be compared with it");
        }
        all.remove(anchor);
        return new ArrayList<>(all);
    }

    private static Set<String> reachedFrom(List<Game> games, String anchor) {
        Map<String, List<String>> neighbours = new HashMap<>();
        for (Game g : games) {
            neighbours.computeIfAbsent(g.player(), k -> new ArrayList<>()).add(g.opponent());
            neighbours.computeIfAbsent(g.opponent(), k -> new ArrayList<>()).add(g.player());
        }
        Set<String> reached = new HashSet<>();
        if (!neighbours.containsKey(anchor)) {
            return reached;
        }
        Deque<String> queue = new ArrayDeque<>();
        reached.add(anchor);
        queue.add(anchor);
        while (!queue.isEmpty()) {
            for (String next : neighbours.get(queue.poll())) {
                if (reached.add(next)) {
                    queue.add(next);
                }
            }
        }
        return reached;
    }

    private static double negativeLogLikelihood(double[] theta, int[] a, int[] b, double[] wins, double[] count) {
        double sum = 0;
        for (double t : theta) {
            sum += RIDGE / 2 * t * t;
        }
        for (int g = 0; g < a.length; g++) {
            double z = at(theta, a[g]) - at(theta, b[g]);
            sum += wins[g] * softplus(-z) + (count[g] - wins[g]) * softplus(z);
        }
        return sum;
    }

    /** One key per unordered pair of indices i &lt; j (the anchor is -1). */
    private static long pairKey(int i, int j) {
        return ((long) (i + 1) << 32) | (j + 1);
    }

    private static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    private static double at(double[] theta, int i) {
        return i < 0 ? 0.0 : theta[i];
    }

    private static double[] minus(double[] theta, double[] step, double t) {
        double[] out = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            out[i] = theta[i] - t * step[i];
        }
        return out;
    }
}
