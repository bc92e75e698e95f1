package dev.tralign.store;

import java.time.Duration;

/** Growing pauses between attempts at a store: 200 ms, doubling, at most 10 s each. */
final class Backoff {

    static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

    private Duration next = FIRST_PAUSE;

    /** The pause before the next attempt (each call doubles the following one up to the longest). */
    Duration next() {
        Duration pause = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(LONGEST_PAUSE) < 0 ? doubled : LONGEST_PAUSE;
        return pause;
    }
}
