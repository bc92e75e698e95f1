package dev.tralign.evaluator.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference-task signature of {@link RunGuard}: held-out SFT NLL against its lowest value so far. */
class RunGuardTest {

    private static final GuardConfig CONFIG = GuardConfig.defaults(8).withReferenceTaskRise(0.1);

    @Test
    void aRiseAboveTheLowestSoFarAlertsWithItsEvidence() {
        RunGuard guard = new RunGuard();
        assertThat(guard.onReferenceTask(1, 1.00, null, CONFIG)).isEmpty();
        assertThat(guard.onReferenceTask(10, null, 0.98, CONFIG)).isEmpty();
        assertThat(guard.onReferenceTask(20, null, 1.05, CONFIG)).isEmpty();
        List<Finding> found = guard.onReferenceTask(30, null, 1.09, CONFIG);
        assertThat(found).hasSize(1);
        Finding f = found.get(0);
        assertThat(f.kind()).isEqualTo(AlertKind.REFERENCE_TASK_DEGRADED);
        assertThat(f.severity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(f.step()).isEqualTo(30);
        assertThat(f.evidence().get("sft_nll")).isEqualTo(1.09);
        assertThat(f.evidence().get("sft_nll_lowest")).isEqualTo(0.98);
        assertThat(f.evidence().get("lowest_step")).isEqualTo(10.0);
        assertThat(f.evidence().get("increase")).isCloseTo(0.11, within(1e-12));
        assertThat(f.evidence().get("rise")).isEqualTo(0.1);
        assertThat(f.message()).contains("rose 0.1100 above its lowest 0.9800 (step 10");
    }

    @Test
    void theStartingModelIsTheBaselineOfTheFirstScore() {
        RunGuard guard = new RunGuard();
        List<Finding> found = guard.onReferenceTask(10, 1.00, 1.15, CONFIG);
        assertThat(found).extracting(Finding::kind).containsExactly(AlertKind.REFERENCE_TASK_DEGRADED);
        assertThat(found.get(0).evidence().get("lowest_step")).isEqualTo(0.0);
        assertThat(found.get(0).evidence().get("sft_nll_lowest")).isEqualTo(1.00);
    }

    @Test
    void oneAlertPerEpisodeReArmedHalfwayBack() {
        RunGuard guard = new RunGuard();
        guard.onReferenceTask(1, 1.00, null, CONFIG);
        assertThat(guard.onReferenceTask(10, null, 1.11, CONFIG)).hasSize(1);
        assertThat(guard.onReferenceTask(20, null, 1.30, CONFIG)).isEmpty();
        assertThat(guard.onReferenceTask(30, null, 1.06, CONFIG)).as("under the rise, not halfway").isEmpty();
        assertThat(guard.onReferenceTask(40, null, 1.12, CONFIG)).as("the same episode").isEmpty();
        assertThat(guard.onReferenceTask(50, null, 1.04, CONFIG)).as("halfway back: re-armed").isEmpty();
        assertThat(guard.onReferenceTask(60, null, 1.12, CONFIG)).hasSize(1);
    }

    @Test
    void aNonFiniteNllIsCriticalOnce() {
        RunGuard guard = new RunGuard();
        List<Finding> found = guard.onReferenceTask(5, 1.0, Double.NaN, CONFIG);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).severity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(guard.onReferenceTask(6, null, Double.POSITIVE_INFINITY, CONFIG)).isEmpty();
    }

    @Test
    void theStateSurvivesEncodingAndAnOlderVersionIsRefused() {
        RunGuard guard = new RunGuard();
        guard.onReferenceTask(1, 1.00, null, CONFIG);
        guard.onReferenceTask(10, null, 0.90, CONFIG);
        guard.onReferenceTask(20, null, 1.01, CONFIG);    // degraded: 1.01 > 0.90 + 0.1
        guard.onTrainMetrics(20, 0.5, 1.0, CONFIG);
        guard.onCheckpoint(20, 3.0, 60, CONFIG, step -> Map.of());
        RunGuard copy = RunGuard.decode(guard.encode());
        assertThat(copy.encode()).isEqualTo(guard.encode());
        // The verdicts' watermarks survive too.
        assertThat(copy.settledCheckpoint()).isEqualTo(20);
        assertThat(copy.metricsStep()).isEqualTo(20);
        // Still in the episode after the round trip, and the lowest is step 10's.
        assertThat(copy.onReferenceTask(30, null, 1.02, CONFIG)).isEmpty();
        assertThat(copy.onReferenceTask(40, null, 0.94, CONFIG)).isEmpty();
        List<Finding> again = copy.onReferenceTask(50, null, 1.01, CONFIG);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).evidence().get("lowest_step")).isEqualTo(10.0);

        byte[] old = guard.encode();
        old[0] = 2;
        assertThatThrownBy(() -> RunGuard.decode(old)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guard state version 2, expected 3: reset the evaluator's guard Streams "
                        + "application after an upgrade");
    }
}
