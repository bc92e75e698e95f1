package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SamplingSourceTest {

    @Test
    void samplesFromTheChampionOnceItsCheckpointIsKnownElseFromTheLatest() {
        AtomicReference<OptionalLong> champion = new AtomicReference<>(OptionalLong.empty());
        SamplingSource source = new SamplingSource(champion::get, step -> true);
        Path latest = Path.of("step-80.ckpt");
        source.checkpointed(40, Path.of("round0/step-40.ckpt"));

        assertThat(source.choose(latest, 80)).isEqualTo(new SamplingSource.Choice(latest, 80, false));
        champion.set(OptionalLong.of(40));
        assertThat(source.choose(latest, 80))
                .isEqualTo(new SamplingSource.Choice(Path.of("round0/step-40.ckpt"), 40, true));
        // A champion whose checkpoint this series did not write (another run of its family): the latest.
        champion.set(OptionalLong.of(60));
        assertThat(source.choose(latest, 80).champion()).isFalse();
        assertThat(SamplingSource.latest().choose(latest, 80).checkpoint()).isEqualTo(latest);
    }

    /**
     * A round waits until every checkpoint the series wrote is decided, on a simulated clock: each pause moves it,
     * and the evaluator "decides" step 40 after 3 s and step 80 after 65 s; the champion changes with the latter.
     */
    @Test
    void waitsForTheDecisionsOnEveryCheckpointOfTheSeriesBeforeChoosing() {
        long[] nanos = {0};
        Set<Long> decided = new HashSet<>();
        AtomicReference<OptionalLong> champion = new AtomicReference<>(OptionalLong.of(40));
        SamplingSource source = new SamplingSource(champion::get, decided::contains);
        source.checkpointed(40, Path.of("round0/step-40.ckpt"));
        source.checkpointed(80, Path.of("round1/step-80.ckpt"));
        List<String> progress = new ArrayList<>();
        SamplingSource.Pause evaluator = d -> {
            nanos[0] += d.toNanos();
            if (nanos[0] >= Duration.ofSeconds(3).toNanos()) {
                decided.add(40L);
            }
            if (nanos[0] >= Duration.ofSeconds(65).toNanos()) {
                champion.set(OptionalLong.of(80));
                decided.add(80L);
            }
        };

        List<Long> undecided = source.awaitDecisions(Duration.ofMinutes(2), () -> nanos[0], evaluator, progress::add);

        assertThat(undecided).isEmpty();
        assertThat(nanos[0]).isEqualTo(Duration.ofSeconds(65).toNanos());
        assertThat(source.choose(Path.of("latest.ckpt"), 80))
                .isEqualTo(new SamplingSource.Choice(Path.of("round1/step-80.ckpt"), 80, true));
        assertThat(progress).containsExactly(
                "  waiting for the evaluator's champion decision on step(s) [80] (30 s of at most 120 s)",
                "  waiting for the evaluator's champion decision on step(s) [80] (60 s of at most 120 s)");
    }

    @Test
    void givesUpAtTheDeadlineNamingWhatIsStillUndecided() {
        long[] nanos = {0};
        SamplingSource source = new SamplingSource(() -> OptionalLong.of(40), step -> step == 40);
        source.checkpointed(40, Path.of("round0/step-40.ckpt"));
        source.checkpointed(80, Path.of("round1/step-80.ckpt"));

        List<Long> undecided = source.awaitDecisions(Duration.ofSeconds(10), () -> nanos[0],
                d -> nanos[0] += d.toNanos(), line -> { });

        assertThat(undecided).containsExactly(80L);
        assertThat(nanos[0]).isEqualTo(Duration.ofSeconds(10).toNanos());
        // The latest policy needs no decision at all.
        assertThat(SamplingSource.latest().awaitDecisions(Duration.ofSeconds(10), () -> nanos[0],
                d -> { throw new AssertionError("no wait expected"); }, line -> { })).isEmpty();
    }
}
