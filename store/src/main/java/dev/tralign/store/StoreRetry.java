package dev.tralign.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Runs a read of a store again while the store does not answer ({@link StoreUnavailableException}), with growing
 * pauses ({@link Backoff}: 200 ms doubling to 10 s) until it succeeds, {@code budget} has passed, or
 * {@code cancelled} turns true (checked at least every 100 ms of a pause, so a closing reader stops promptly). Any
 * other failure (missing object, sha256 mismatch, a bound hit) is thrown at once: retrying cannot change it.
 */
public final class StoreRetry {

    private static final long CANCEL_CHECK_MILLIS = 100;

    /** One attempt at the read. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws IOException;
    }

    /** Told before each pause: which attempt failed, how long the pause is, how much of the budget is left. */
    @FunctionalInterface
    public interface Listener {
        void retrying(int attempt, Duration pause, Duration left, StoreUnavailableException failure);
    }

    /** The store did not answer within the whole budget. */
    public static final class GaveUp extends IOException {
        private final int attempts;

        GaveUp(int attempts, Duration budget, StoreUnavailableException last) {
            super("the store did not answer within " + budget + " (" + attempts + " attempts): " + last.getMessage(),
                    last);
            this.attempts = attempts;
        }

        public int attempts() {
            return attempts;
        }
    }

    private final Duration budget;
    private final BooleanSupplier cancelled;

    public StoreRetry(Duration budget, BooleanSupplier cancelled) {
        if (budget.isNegative()) {
            throw new IllegalArgumentException("a retry budget cannot be negative, got " + budget);
        }
        this.budget = budget;
        this.cancelled = cancelled;
    }

    public Duration budget() {
        return budget;
    }

    /**
     * The attempt's result, trying again while the store does not answer.
     *
     * @throws GaveUp the budget is spent (its cause is the last failure)
     * @throws InterruptedIOException the reader is closing (cancelled, or the thread was interrupted)
     * @throws IOException a permanent failure, from the attempt as it was
     */
    public <T> T call(Attempt<T> attempt, Listener listener) throws IOException {
        long deadline = System.nanoTime() + budget.toNanos();
        Backoff backoff = new Backoff();
        for (int n = 1;; n++) {
            try {
                return attempt.run();
            } catch (StoreUnavailableException e) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new GaveUp(n, budget, e);
                }
                Duration pause = min(backoff.next(), Duration.ofNanos(left));
                listener.retrying(n, pause, Duration.ofNanos(left), e);
                pause(pause);
            }
        }
    }

    private void pause(Duration pause) throws InterruptedIOException {
        long until = System.nanoTime() + pause.toNanos();
        // In nanoseconds, rounded up to whole milliseconds: a pause cut to the budget's end must reach it, or the
        // last sub-millisecond would be spent in a burst of attempts.
        for (long left = pause.toNanos(); left > 0; left = until - System.nanoTime()) {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedIOException("stopped retrying the store: the reader is closing");
            }
            try {
                Thread.sleep(Math.min((left + 999_999) / 1_000_000, CANCEL_CHECK_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting to retry the store");
            }
        }
        if (cancelled.getAsBoolean()) {
            throw new InterruptedIOException("stopped retrying the store: the reader is closing");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
