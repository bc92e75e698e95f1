package dev.tralign.trainerservice.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SeenIdsTest {

    private static byte[] key(int i) {
        return ("pair-" + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void remembersEveryKeyThroughGrowthAndForgetsOnClear() {
        SeenIds seen = new SeenIds();
        for (int i = 0; i < 50_000; i++) {
            assertThat(seen.add(key(i))).as("first time %d", i).isTrue();
        }
        for (int i = 0; i < 50_000; i += 7) {
            assertThat(seen.add(key(i))).as("second time %d", i).isFalse();
        }
        assertThat(seen.size()).isEqualTo(50_000);
        seen.clear();
        assertThat(seen.size()).isZero();
        assertThat(seen.add(key(3))).isTrue();
    }

    @Test
    void theEmptySlotMarkerIsAFingerprintLikeAnyOther() {
        SeenIds seen = new SeenIds();
        assertThat(seen.addFingerprint(0L)).isTrue();
        assertThat(seen.addFingerprint(0L)).isFalse();
        assertThat(seen.addFingerprint(1L)).isTrue();
        assertThat(seen.size()).isEqualTo(2);
    }
}
