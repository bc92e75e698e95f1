package dev.tralign.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The read retry's rule: transient failures again with growing pauses within the budget, others at once. */
class StoreRetryTest {

    private static StoreUnavailableException down() {
        return new StoreUnavailableException("connection refused", null);
    }

    @Test
    void pausesStartAt200MsAndDoubleUpTo10s() {
        Backoff backoff = new Backoff();
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            pauses.add(backoff.next().toMillis());
        }
        assertThat(pauses).containsExactly(200L, 400L, 800L, 1600L, 3200L, 6400L, 10_000L, 10_000L, 10_000L);
    }

    @Test
    void aStoreThatComesBackIsReadWithoutAFailure() throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        List<Integer> told = new ArrayList<>();
        String read = new StoreRetry(Duration.ofSeconds(30), () -> false).call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw down();
            }
            return "bytes";
        }, (attempt, pause, left, e) -> told.add(attempt));

        assertThat(read).isEqualTo("bytes");
        assertThat(attempts).hasValue(3);
        assertThat(told).containsExactly(1, 2);
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> new StoreRetry(Duration.ofSeconds(30), () -> false).call(() -> {
            attempts.incrementAndGet();
            throw new NoSuchFileException("s3://b/run/step-1.ckpt");
        }, (attempt, pause, left, e) -> { })).isInstanceOf(NoSuchFileException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aStoreDownPastTheBudgetEndsInGaveUpWithTheLastFailure() {
        AtomicInteger attempts = new AtomicInteger();
        long started = System.nanoTime();
        assertThatThrownBy(() -> new StoreRetry(Duration.ofMillis(700), () -> false).call(() -> {
            attempts.incrementAndGet();
            throw down();
        }, (attempt, pause, left, e) -> { }))
                .isInstanceOf(StoreRetry.GaveUp.class).hasMessageContaining("did not answer within PT0.7S")
                .hasMessageContaining("connection refused").hasCauseInstanceOf(StoreUnavailableException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // 200 + 400 ms, then the last pause is cut to what is left of the budget.
        assertThat(attempts.get()).isBetween(3, 4);
        assertThat(took).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
    }

    @Test
    void closingStopsAPauseWithinATenthOfASecond() {
        AtomicBoolean closing = new AtomicBoolean();
        AtomicInteger attempts = new AtomicInteger();
        long[] closedAt = new long[1];
        assertThatThrownBy(() -> new StoreRetry(Duration.ofMinutes(10), closing::get).call(() -> {
            if (attempts.incrementAndGet() == 3) {
                // The third pause is 800 ms: close at its start.
                closedAt[0] = System.nanoTime();
                closing.set(true);
            }
            throw down();
        }, (attempt, pause, left, e) -> { })).isInstanceOf(InterruptedIOException.class)
                .hasMessageContaining("closing");
        assertThat(Duration.ofNanos(System.nanoTime() - closedAt[0])).isLessThan(Duration.ofMillis(500));
    }
}
