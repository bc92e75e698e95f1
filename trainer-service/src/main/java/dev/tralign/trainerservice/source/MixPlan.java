package dev.tralign.trainerservice.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which input topic gives the next record, when several are mixed at fixed ratios (input.mix). Pure: the answer
 * depends only on how many records each topic has given so far in this epoch, so the batch composition is a
 * function of offsets and a replay rebuilds it (DESIGN.md section 5).
 *
 * <p>Rule: after n records, topic i is owed {@code ratio_i * (n + 1) - taken_i}; the open topic owed most gives
 * the next record (ties: the earlier topic). This carries the rounding from batch to batch: after any n records
 * every topic has given within one record of {@code n * ratio_i}, so each batch of B records holds
 * {@code B * ratio_i} rounded up or down, give or take one carried record. A topic that has nothing left (its
 * range is read, in bounded mode) is not open; the others take its slots (each still tracking its own share of all
 * records, which splits the freed slots about evenly between them), so every record of the range is still read
 * once per epoch.
 */
public final class MixPlan {

    /** Checkpoint metadata key of {@link #format()}. */
    public static final String METADATA_KEY = "mix.taken";

    private final List<String> topics;
    private final double[] ratios;
    private final long[] taken;

    /** A plan over {@code topics} with the given ratios (same length, positive, summing to 1), nothing taken. */
    public MixPlan(List<String> topics, List<Double> ratios) {
        if (topics.size() != ratios.size() || topics.isEmpty()) {
            throw new IllegalArgumentException("need one ratio per topic, got " + topics + " and " + ratios);
        }
        this.topics = List.copyOf(topics);
        this.ratios = ratios.stream().mapToDouble(Double::doubleValue).toArray();
        this.taken = new long[topics.size()];
    }

    /** One topic (or one merged group of topics) that always gives the next record. */
    public static MixPlan single(String name) {
        return new MixPlan(List.of(name), List.of(1.0));
    }

    /** The topics, in the order ratios were given. */
    public List<String> topics() {
        return topics;
    }

    /** Index of the topic that gives the next record among the {@code open} ones; -1 when none is open. */
    public int due(boolean[] open) {
        long n = Arrays.stream(taken).sum();
        int best = -1;
        double bestOwed = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < ratios.length; i++) {
            double owed = ratios[i] * (n + 1) - taken[i];
            if (open[i] && owed > bestOwed) {
                best = i;
                bestOwed = owed;
            }
        }
        return best;
    }

    /** Notes that topic {@code index} gave a record. */
    public void took(int index) {
        taken[index]++;
    }

    /** Starts a new epoch: nothing taken. */
    public void reset() {
        Arrays.fill(taken, 0);
    }

    /** Records given per topic in this epoch. */
    public long taken(int index) {
        return taken[index];
    }

    /** {@code topic=count;...} in topic order, for the checkpoint event (a resumed run continues the pattern). */
    public String format() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < topics.size(); i++) {
            parts.add(topics.get(i) + "=" + taken[i]);
        }
        return String.join(";", parts);
    }

    /** Restores the counts written by {@link #format()}; a topic it does not name starts at 0. */
    public void restore(String text) {
        reset();
        if (text == null || text.isBlank()) {
            return;
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int eq = part.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(METADATA_KEY + " '" + text + "' is not topic=count;...");
            }
            counts.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
        }
        for (int i = 0; i < topics.size(); i++) {
            taken[i] = counts.getOrDefault(topics.get(i), 0L);
        }
    }

    /**
     * The mixed order of whole per-topic lists (each already in offset order): what a bounded source hands out in
     * one epoch. Used by in-memory runs and to check the Kafka source.
     */
    public static <T> List<T> interleave(List<Double> ratios, List<List<T>> perTopic) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < perTopic.size(); i++) {
            names.add(Integer.toString(i));
        }
        MixPlan plan = new MixPlan(names, ratios);
        int[] next = new int[perTopic.size()];
        boolean[] open = new boolean[perTopic.size()];
        List<T> out = new ArrayList<>();
        while (true) {
            for (int i = 0; i < open.length; i++) {
                open[i] = next[i] < perTopic.get(i).size();
            }
            int due = plan.due(open);
            if (due < 0) {
                return out;
            }
            out.add(perTopic.get(due).get(next[due]++));
            plan.took(due);
        }
    }
}
