package dev.tralign.evaluator.ranking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Bradley-Terry scores with bootstrap intervals, Arena-Hard's presentation: each player's strength as its win
 * probability against the anchor (the baseline) in percent, the anchor at 50, with a 90% interval from the 5th and
 * 95th percentiles of the strengths refitted on bootstrap resamples.
 *
 * <p>Departures from Arena-Hard, and why:
 * <ul>
 *   <li>The bootstrap draws prompts (the games' groups) with replacement, not single games: every checkpoint is
 *       judged on the same fixed prompts, so a prompt's difficulty is shared by all of its games; drawing prompts
 *       keeps them together, and the intervals describe what another draw of prompts would do.</li>
 *   <li>The score is the fit on all games; Arena-Hard 2.0 shows the bootstrap median instead (they differ by a
 *       fraction of the interval).</li>
 *   <li>The resampling is seeded ({@link SplittableRandom}), so a report is reproducible.</li>
 * </ul>
 * A player absent from a resample (all its prompts left out, or cut off from the anchor) is left out of that
 * round's percentiles; {@link Score#rounds()} says how many rounds it was in.
 *
 * @param anchor the player at 50 (strength 0)
 * @param scores every player, the anchor included, by decreasing strength
 * @param rounds bootstrap rounds
 * @param seed the bootstrap's seed
 * @param groups distinct groups (prompts) resampled
 */
public record BradleyTerryRanking(String anchor, List<Score> scores, int rounds, long seed, int groups) {

    /** Arena-Hard's number of bootstrap rounds. */
    public static final int DEFAULT_ROUNDS = 100;
    /** The seed reports use unless told otherwise. */
    public static final long DEFAULT_SEED = 42;

    /**
     * One player's score.
     *
     * @param player the player
     * @param strength Bradley-Terry strength, logit scale, the anchor's 0
     * @param winProbability 100 * sigmoid(strength): predicted win rate against the anchor, percent
     * @param low 5th percentile of the bootstrap win probabilities, percent
     * @param high 95th percentile, percent
     * @param games games the player played
     * @param rounds bootstrap rounds the player was in
     */
    public record Score(String player, double strength, double winProbability, double low, double high, long games,
            int rounds) {
    }

    /**
     * Fits and bootstraps.
     *
     * @param games the games
     * @param anchor the reference player (the SFT baseline)
     * @param rounds bootstrap rounds, &gt;= 1
     * @param seed seed of the resampling
     */
    public static BradleyTerryRanking of(List<Game> games, String anchor, int rounds, long seed) {
        if (rounds < 1) {
            throw new IllegalArgumentException("bootstrap rounds must be >= 1, got " + rounds);
        }
        Map<String, Double> strengths = BradleyTerry.fit(games, anchor);
        Map<String, List<Game>> byGroup = new TreeMap<>();
        Map<String, Long> played = new HashMap<>();
        for (Game g : games) {
            byGroup.computeIfAbsent(g.group(), k -> new ArrayList<>()).add(g);
            played.merge(g.player(), 1L, Long::sum);
            played.merge(g.opponent(), 1L, Long::sum);
        }
        List<List<Game>> groups = new ArrayList<>(byGroup.values());
        Map<String, double[]> samples = new HashMap<>();
        Map<String, Integer> present = new HashMap<>();
        strengths.keySet().forEach(p -> samples.put(p, new double[rounds]));
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < rounds; round++) {
            List<Game> drawn = new ArrayList<>(games.size());
            for (int i = 0; i < groups.size(); i++) {
                drawn.addAll(groups.get(random.nextInt(groups.size())));
            }
            List<Game> connected = BradleyTerry.reachable(drawn, anchor);
            if (connected.isEmpty()) {
                continue; // no game of the anchor drawn: nothing is measured in this round
            }
            Map<String, Double> fitted = BradleyTerry.fit(connected, anchor);
            for (Map.Entry<String, Double> e : fitted.entrySet()) {
                int k = present.merge(e.getKey(), 1, Integer::sum) - 1;
                samples.get(e.getKey())[k] = e.getValue();
            }
        }
        List<Score> scores = new ArrayList<>();
        for (Map.Entry<String, Double> e : strengths.entrySet()) {
            String player = e.getKey();
            int n = present.getOrDefault(player, 0);
            double[] sorted = Arrays.copyOf(samples.get(player), n);
            Arrays.sort(sorted);
            scores.add(new Score(player, e.getValue(), percent(e.getValue()),
                    n == 0 ? Double.NaN : percent(percentile(sorted, 0.05)),
                    n == 0 ? Double.NaN : percent(percentile(sorted, 0.95)),
                    played.getOrDefault(player, 0L), n));
        }
        scores.sort(Comparator.comparingDouble(Score::strength).reversed().thenComparing(Score::player));
        return new BradleyTerryRanking(anchor, List.copyOf(scores), rounds, seed, groups.size());
    }

    /** The predicted probability, in percent, that one player beats another. */
    public double winProbability(String player, String opponent) {
        return percent(strength(player) - strength(opponent));
    }

    private double strength(String player) {
        return scores.stream().filter(s -> s.player().equals(player)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no player " + player + " in this ranking"))
                .strength();
    }

    private static double percent(double strength) {
        return 100 * BradleyTerry.sigmoid(strength);
    }

    /** numpy's default (linear) percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int lo = (int) Math.floor(position);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
    }
}
