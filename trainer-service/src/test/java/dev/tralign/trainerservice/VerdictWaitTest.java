package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bounded wait for the guard's verdict, on a simulated clock: each poll of the feed advances it by the time the
 * poll may block, and the feed's verdicts move when the test says, so deadlines and progress lines are exact.
 */
class VerdictWaitTest {

    /** A feed on a simulated clock: verdict steps become visible at given simulated times. */
    private static final class SimulatedFeed implements VerdictWait.Feed {
        long nanos;
        long through = -1;
        int polls;
        final List<long[]> arrivals = new ArrayList<>();

        SimulatedFeed arriving(long step, Duration at) {
            arrivals.add(new long[] {step, at.toNanos()});
            return this;
        }

        @Override
        public void poll(Duration max) {
            polls++;
            nanos += max.toNanos();
            for (long[] a : arrivals) {
                if (a[1] <= nanos) {
                    through = Math.max(through, a[0]);
                }
            }
        }

        @Override
        public boolean covers(long step) {
            return through >= step;
        }
    }

    private final List<String> progress = new ArrayList<>();

    private VerdictWait waitFor(Duration timeout, SimulatedFeed feed) {
        return new VerdictWait("dpo", timeout, () -> feed.nanos, progress::add);
    }

    @Test
    void aVerdictAlreadyThereEndsTheWaitWithoutPolling() {
        SimulatedFeed feed = new SimulatedFeed();
        feed.through = 40;

        assertThat(waitFor(Duration.ofMinutes(1), feed).await(20, feed, () -> false))
                .isEqualTo(VerdictWait.Outcome.REACHED);
        assertThat(feed.polls).isZero();
        assertThat(progress).isEmpty();
    }

    @Test
    void waitsUntilTheVerdictReachesTheStepAndSaysSoEveryThirtySeconds() {
        // A verdict on an earlier step does not do; the one on step 20 lands after 75 s.
        SimulatedFeed feed = new SimulatedFeed().arriving(10, Duration.ofSeconds(5))
                .arriving(20, Duration.ofSeconds(75));

        VerdictWait.Outcome outcome = waitFor(Duration.ofMinutes(10), feed).await(20, feed, () -> false);

        assertThat(outcome).isEqualTo(VerdictWait.Outcome.REACHED);
        assertThat(feed.nanos).isEqualTo(Duration.ofSeconds(75).toNanos());
        assertThat(progress).containsExactly(
                "run dpo: waiting for the evaluator's verdict on step 20 (30 s of at most 600 s, "
                        + "guard.verdict_timeout)",
                "run dpo: waiting for the evaluator's verdict on step 20 (60 s of at most 600 s, "
                        + "guard.verdict_timeout)");
    }

    @Test
    void givesUpAtTheDeadlineWithoutPollingPastIt() {
        SimulatedFeed feed = new SimulatedFeed().arriving(20, Duration.ofSeconds(90));

        VerdictWait.Outcome outcome = waitFor(Duration.ofMillis(45_100), feed).await(20, feed, () -> false);

        assertThat(outcome).isEqualTo(VerdictWait.Outcome.TIMED_OUT);
        // The last poll is cut to the deadline, so the wait ends exactly there.
        assertThat(feed.nanos).isEqualTo(Duration.ofMillis(45_100).toNanos());
        assertThat(progress).hasSize(1);
    }

    @Test
    void aStopRequestEndsTheWaitAtOnce() {
        SimulatedFeed feed = new SimulatedFeed();
        VerdictWait wait = waitFor(Duration.ofMinutes(10), feed);

        VerdictWait.Outcome outcome = wait.await(20, feed, () -> feed.polls >= 3);

        assertThat(outcome).isEqualTo(VerdictWait.Outcome.ABANDONED);
        assertThat(feed.polls).isEqualTo(3);
        assertThat(feed.nanos).isEqualTo(3 * VerdictWait.POLL.toNanos());
    }
}
