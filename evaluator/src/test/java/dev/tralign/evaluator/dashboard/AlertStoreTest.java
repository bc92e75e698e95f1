package dev.tralign.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertStoreTest {

    private static Alert alert(String run, long step, AlertKind kind) {
        return Alert.newBuilder().setRunId(run).setStep(step).setKind(kind).setSeverity(AlertSeverity.WARNING)
                .setMessage("m").setEvidence(Map.of()).setAt(Instant.EPOCH).build();
    }

    @Test
    void countsEachRunStepAndKindOnceAsAPrometheusCounter() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AlertStore store = new AlertStore().bindTo(registry);
        store.add(alert("a", 10, AlertKind.KL_BUDGET));
        store.add(alert("a", 10, AlertKind.KL_BUDGET));
        store.add(alert("b", 10, AlertKind.KL_BUDGET));
        store.add(alert("a", 20, AlertKind.KL_OSCILLATION));

        assertThat(store.all()).hasSize(3);
        assertThat(store.of("a")).extracting(Alert::getStep).containsExactly(10L, 20L);
        assertThat(registry.scrape())
                .contains("tralign_guard_alerts_total{kind=\"KL_BUDGET\"} 2.0")
                .contains("tralign_guard_alerts_total{kind=\"KL_OSCILLATION\"} 1.0")
                .contains("tralign_guard_alerts_total{kind=\"REFERENCE_UPDATE_DROP\"} 0.0");
    }
}
