package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertSummaryTest {

    @Test
    void kindsComeInTheEnumsOrderWithTheirStepsSortedAndTheRestCounted() {
        List<Alert> alerts = List.of(alert(AlertKind.REFERENCE_UPDATE_DROP, 280), alert(AlertKind.KL_BUDGET, 260),
                alert(AlertKind.REFERENCE_UPDATE_DROP, 240), alert(AlertKind.KL_BUDGET, 220),
                alert(AlertKind.GRAD_NORM_DIVERGENCE, 40), alert(AlertKind.GRAD_NORM_DIVERGENCE, 10),
                alert(AlertKind.GRAD_NORM_DIVERGENCE, 30), alert(AlertKind.GRAD_NORM_DIVERGENCE, 20),
                alert(AlertKind.GRAD_NORM_DIVERGENCE, 50));

        assertThat(AlertSummary.of(alerts)).isEqualTo("kl 220,260  drop 240,280  grad 10,20,30,+2");
    }

    @Test
    void aQuietRunIsADashAndEveryKindHasALabelInTheLegend() {
        assertThat(AlertSummary.of(List.of())).isEqualTo("-");
        for (AlertKind kind : AlertKind.values()) {
            if (kind != AlertKind.UNKNOWN) {
                String label = AlertSummary.of(List.of(alert(kind, 1))).split(" ")[0];
                assertThat(AlertSummary.LEGEND).contains(label + " ").contains(kind.name().split("_")[0]);
            }
        }
    }

    private static Alert alert(AlertKind kind, long step) {
        return Alert.newBuilder().setRunId("r").setStep(step).setKind(kind).setSeverity(AlertSeverity.WARNING)
                .setMessage("m").setEvidence(Map.of()).setAt(Instant.EPOCH).build();
    }
}
