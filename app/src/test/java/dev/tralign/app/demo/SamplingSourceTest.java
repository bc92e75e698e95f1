package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SamplingSourceTest {

    @Test
    void samplesFromTheChampionOnceItsCheckpointIsKnownElseFromTheLatest() {
        AtomicReference<OptionalLong> champion = new AtomicReference<>(OptionalLong.empty());
        SamplingSource source = new SamplingSource(champion::get);
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
}
