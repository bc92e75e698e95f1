package dev.tralign.evaluator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import dev.tralign.schemas.avro.ModelPromotion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuardSectionTest {

    @Test
    void listsChampionsAndAlertsEscapedInTheReport() {
        ModelPromotion first = ModelPromotion.newBuilder().setFamily("dpo").setRunId("dpo").setStep(80)
                .setEvidence(Map.of("win_rate", 75.0, "kl_to_sft", 8.31, "better", 20.0, "worse", 4.0,
                        "p_value", 0.0035)).setAt(Instant.EPOCH).build();
        ModelPromotion second = ModelPromotion.newBuilder(first).setRunId("dpo<2>").setStep(40)
                .setPreviousRunId("dpo").setPreviousStep(80L).build();
        Alert alert = Alert.newBuilder().setRunId("dpo").setStep(220).setKind(AlertKind.KL_BUDGET)
                .setSeverity(AlertSeverity.CRITICAL).setMessage("KL to SFT 16.26 nats is over the budget 15.00 & more")
                .setEvidence(Map.of()).setAt(Instant.EPOCH).build();

        String html = ReportWriter.html("t", List.of(), Optional.empty());
        String withGuard = new GuardSection(List.of(alert), List.of(first, second)).html();

        assertThat(html).doesNotContain("Guard rails");
        assertThat(withGuard).contains("<h2>Guard rails</h2>")
                .contains("<td>dpo</td><td>dpo</td><td>80</td><td>75.0</td><td>8.31</td><td>20 / 4</td>"
                        + "<td>0.00350</td><td>SFT</td>")
                .contains("<td>dpo&lt;2&gt;</td><td>40</td>").contains("<td>dpo @ 80</td>")
                .contains("<td>dpo</td><td>220</td><td>KL_BUDGET</td><td>CRITICAL</td>")
                .contains("over the budget 15.00 &amp; more");
        assertThat(new GuardSection(List.of(), List.of()).html()).contains("<td>none</td>");
    }
}
