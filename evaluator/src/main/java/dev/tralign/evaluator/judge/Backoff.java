package dev.tralign.evaluator.judge;

import java.time.Duration;

/**
 * Exponential backoff: the wait before retry k (k = 1, 2, ...) is initial * 2^(k-1), capped at max. Pure.
 *
 * @param initial wait before the first retry
 * @param max cap
 */
public record Backoff(Duration initial, Duration max) {

    /** The wait before the given retry (1-based). */
    public Duration delayBeforeRetry(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based, got " + retry);
        }
        int doublings = Math.min(retry - 1, 30);
        long millis = initial.toMillis() << doublings;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
