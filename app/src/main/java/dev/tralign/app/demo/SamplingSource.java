package dev.tralign.app.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Which checkpoint an online round samples from: the latest policy by default; with {@code --online-from-champion}
 * the series' champion (tralign.promotions) once the evaluator has decided every checkpoint the series wrote before
 * the round ({@link #awaitDecisions}, tralign.champion-verdicts), when its checkpoint is one the series wrote, else
 * the latest. Remembers each series step's checkpoint file.
 */
final class SamplingSource {

    /** Where the sampled policy comes from and why. */
    record Choice(Path checkpoint, long step, boolean champion) {
    }

    /** Waits a little; the demo sleeps, tests move a simulated clock. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration duration);
    }

    /** How long a wait pauses between looks at the decisions. */
    static final Duration LOOK_EVERY = Duration.ofMillis(100);
    /** How often a long wait says what it waits for. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private final Supplier<OptionalLong> championStep;
    private final LongPredicate decided;
    private final Map<Long, Path> bySeriesStep = new TreeMap<>();

    /**
     * {@code championStep}: the series' champion so far (empty for "always the latest"); {@code decided}: whether the
     * evaluator's champion race has decided the series' checkpoint at a step.
     */
    SamplingSource(Supplier<OptionalLong> championStep, LongPredicate decided) {
        this.championStep = championStep;
        this.decided = decided;
    }

    /** The latest policy only: nothing to wait for. */
    static SamplingSource latest() {
        return new SamplingSource(OptionalLong::empty, step -> true);
    }

    /** Records the checkpoint file of series step {@code step}. */
    void checkpointed(long step, Path file) {
        bySeriesStep.put(step, file);
    }

    /**
     * Waits until the evaluator has decided every checkpoint the series recorded, so the champion a round samples from
     * is the one as of all of them whatever the timing; gives up after {@code timeout}. Returns the steps still
     * undecided then (empty: all decided). {@code progress} hears every {@link #PROGRESS_EVERY} what is awaited.
     */
    List<Long> awaitDecisions(Duration timeout, LongSupplier nanoClock, Pause pause, Consumer<String> progress) {
        long start = nanoClock.getAsLong();
        long nextProgress = start + PROGRESS_EVERY.toNanos();
        while (true) {
            List<Long> undecided = new ArrayList<>();
            for (long step : bySeriesStep.keySet()) {
                if (!decided.test(step)) {
                    undecided.add(step);
                }
            }
            long now = nanoClock.getAsLong();
            if (undecided.isEmpty() || now - start >= timeout.toNanos()) {
                return undecided;
            }
            if (now - nextProgress >= 0) {
                progress.accept(String.format("  waiting for the evaluator's champion decision on step(s) %s "
                        + "(%d s of at most %d s)", undecided, Duration.ofNanos(now - start).toSeconds(),
                        timeout.toSeconds()));
                nextProgress += PROGRESS_EVERY.toNanos();
            }
            pause.pause(LOOK_EVERY);
        }
    }

    /** The checkpoint to sample from when the latest policy is {@code latest} at series step {@code step}. */
    Choice choose(Path latest, long step) {
        OptionalLong champion = championStep.get();
        if (champion.isPresent() && bySeriesStep.containsKey(champion.getAsLong())) {
            return new Choice(bySeriesStep.get(champion.getAsLong()), champion.getAsLong(), true);
        }
        return new Choice(latest, step, false);
    }
}
