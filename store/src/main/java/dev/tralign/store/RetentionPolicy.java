package dev.tralign.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which of a run's committed checkpoints to keep ({@code checkpoint.keep_*}): the last {@code keepLast}, every step
 * that is a multiple of {@code keepEvery}, the {@code keepBest} with the highest win rate, those not judged yet when
 * {@code keepUnjudged} (the evaluator still has to read them), the current champions (promoted checkpoints that
 * {@code export --champion} and the online loop may still read), and always the latest (resume needs it; a checkpoint
 * holds its own reference weights, so no older one is needed for the reference). {@code keepLast} 0 turns retention
 * off: everything is kept. A pure function of its inputs.
 */
public record RetentionPolicy(int keepLast, int keepEvery, int keepBest, boolean keepUnjudged) {

    public RetentionPolicy {
        if (keepLast < 0 || keepEvery < 0 || keepBest < 0) {
            throw new IllegalArgumentException("retention counts must be >= 0");
        }
    }

    /** Keep everything (the default). */
    public static RetentionPolicy keepAll() {
        return new RetentionPolicy(0, 0, 0, true);
    }

    public boolean enabled() {
        return keepLast > 0;
    }

    /**
     * The steps to delete among {@code steps} (a run's committed checkpoint steps), given the win rate of each judged
     * step. Ties in win rate keep the later step.
     */
    public Set<Long> toDelete(Set<Long> steps, Map<Long, Double> winRates) {
        return toDelete(steps, winRates, Set.of());
    }

    /** The same, never deleting {@code champions} (steps that are their family's current champion). */
    public Set<Long> toDelete(Set<Long> steps, Map<Long, Double> winRates, Set<Long> champions) {
        Set<Long> delete = new TreeSet<>();
        if (!enabled() || steps.isEmpty()) {
            return delete;
        }
        List<Long> ordered = new ArrayList<>(new TreeSet<>(steps));
        Set<Long> keep = new TreeSet<>(ordered.subList(Math.max(0, ordered.size() - keepLast), ordered.size()));
        keep.addAll(champions);
        keep.add(ordered.get(ordered.size() - 1));
        for (long step : ordered) {
            if (keepEvery > 0 && step % keepEvery == 0) {
                keep.add(step);
            }
            if (keepUnjudged && !winRates.containsKey(step)) {
                keep.add(step);
            }
        }
        ordered.stream().filter(winRates::containsKey)
                .sorted(Comparator.comparing((Long s) -> winRates.get(s)).thenComparing(s -> s).reversed())
                .limit(keepBest).forEach(keep::add);
        for (long step : ordered) {
            if (!keep.contains(step)) {
                delete.add(step);
            }
        }
        return delete;
    }
}
