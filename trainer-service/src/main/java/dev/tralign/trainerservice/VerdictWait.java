package dev.tralign.trainerservice;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Waiting, with a deadline, until the guard's verdicts on a run cover a checkpoint step: polls a {@link Feed}, says
 * every {@link #PROGRESS_EVERY} what it waits for, and gives up at the deadline or when the run is asked to stop.
 * Pure logic: the clock, the feed and where progress lines go are given, so it is tested without a broker or
 * sleeps ({@code VerdictWaitTest}).
 */
final class VerdictWait {

    /** How often a long wait logs. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    /** Longest single poll, so a stop request is noticed within it. */
    static final Duration POLL = Duration.ofMillis(200);

    /** Where verdicts come from. */
    interface Feed {
        /** Reads what arrived, blocking at most {@code max}. */
        void poll(Duration max);

        /** Whether the run's verdicts so far cover its checkpoint at {@code step} (and what it committed with it). */
        boolean covers(long step);
    }

    /** How a wait ended. */
    enum Outcome {
        /** The verdicts cover the step. */
        REACHED,
        /** The timeout passed first. */
        TIMED_OUT,
        /** The run was asked to stop first. */
        ABANDONED
    }

    private final String runId;
    private final Duration timeout;
    private final LongSupplier nanoClock;
    private final Consumer<String> progress;

    VerdictWait(String runId, Duration timeout, LongSupplier nanoClock, Consumer<String> progress) {
        this.runId = runId;
        this.timeout = timeout;
        this.nanoClock = nanoClock;
        this.progress = progress;
    }

    /** The timeout this wait gives up after. */
    Duration timeout() {
        return timeout;
    }

    /** Waits until {@code feed}'s verdicts cover {@code step}, the timeout passes or {@code stopping} turns true. */
    Outcome await(long step, Feed feed, BooleanSupplier stopping) {
        long start = nanoClock.getAsLong();
        long deadline = start + timeout.toNanos();
        long nextProgress = start + PROGRESS_EVERY.toNanos();
        while (!feed.covers(step)) {
            if (stopping.getAsBoolean()) {
                return Outcome.ABANDONED;
            }
            long now = nanoClock.getAsLong();
            if (now - deadline >= 0) {
                return Outcome.TIMED_OUT;
            }
            if (now - nextProgress >= 0) {
                progress.accept(String.format("run %s: waiting for the evaluator's verdict on step %d (%d s of at "
                        + "most %d s, guard.verdict_timeout)", runId, step, Duration.ofNanos(now - start).toSeconds(),
                        timeout.toSeconds()));
                nextProgress += PROGRESS_EVERY.toNanos();
            }
            feed.poll(Duration.ofNanos(Math.min(POLL.toNanos(), deadline - now)));
        }
        return Outcome.REACHED;
    }
}
