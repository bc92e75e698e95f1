package dev.tralign.evaluator.winrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PreferencesTest {

    @Test
    void missingAndNanAreExcluded() {
        assertThat(Preferences.normalise(null)).isEmpty();
        assertThat(Preferences.normalise(Double.NaN)).isEmpty();
    }

    @Test
    void zeroIsTheLegacyTie() {
        assertThat(Preferences.normalise(0.0)).isEqualTo(OptionalDouble.of(1.5));
    }

    @Test
    void valuesOutsideTheScaleAreExcluded() {
        assertThat(Preferences.normalise(0.5)).isEmpty();
        assertThat(Preferences.normalise(2.5)).isEmpty();
        assertThat(Preferences.normalise(-1.0)).isEmpty();
    }

    @Test
    void valuesOnTheScaleKeepTheirValue() {
        assertThat(Preferences.normalise(1.0)).isEqualTo(OptionalDouble.of(1.0));
        assertThat(Preferences.normalise(1.73)).isEqualTo(OptionalDouble.of(1.73));
        assertThat(Preferences.normalise(2.0)).isEqualTo(OptionalDouble.of(2.0));
    }

    @Test
    void identicalOutputsAreATieWhateverTheJudgeSaid() {
        assertThat(Preferences.normalise(1.0, "same", "same")).isEqualTo(OptionalDouble.of(1.5));
        assertThat(Preferences.normalise(null, "same", "same")).isEqualTo(OptionalDouble.of(1.5));
        assertThat(Preferences.normalise(2.0, "a", "b")).isEqualTo(OptionalDouble.of(2.0));
    }

    @Test
    void scoresOrderThePair() {
        assertThat(Preferences.fromScores(3.0, 1.0)).isEqualTo(2.0);
        assertThat(Preferences.fromScores(1.0, 3.0)).isEqualTo(1.0);
        assertThat(Preferences.fromScores(2.0, 2.0)).isEqualTo(1.5);
        assertThat(Preferences.fromScores(0.0, -0.0)).isEqualTo(1.5);
        assertThatThrownBy(() -> Preferences.fromScores(Double.NaN, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
