package dev.tralign.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import dev.tralign.schemas.avro.ModelPromotion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The guard's markers on the live dashboard in a real headless Chromium: GET /api/guard lists the alerts and each
 * family's champion, and the win-rate-by-step chart draws a dashed line at the alert's checkpoint and a ring around
 * the champion's point.
 */
class GuardMarkersBrowserIT {

    private static final String RUN = "guard-it/dpo";

    @Test
    void alertsAndTheChampionAreMarkedOnTheWinRateChart() throws Exception {
        WinRateStore store = new WinRateStore();
        store.put(TestWinRates.of(RUN, 100, 75.0, 5.0));
        store.put(TestWinRates.of(RUN, 200, 60.0, 16.0));
        AlertStore guard = new AlertStore();
        guard.add(Alert.newBuilder().setRunId(RUN).setStep(200).setKind(AlertKind.KL_BUDGET)
                .setSeverity(AlertSeverity.CRITICAL).setMessage("KL to SFT 16.00 nats is over the budget 15.00")
                .setEvidence(Map.of()).setAt(Instant.EPOCH).build());
        ModelPromotion first = ModelPromotion.newBuilder().setFamily(RUN).setRunId(RUN).setStep(200)
                .setEvidence(Map.of()).setAt(Instant.EPOCH).build();
        guard.promoted(first);
        guard.promoted(ModelPromotion.newBuilder(first).setStep(100).build());
        try (DashboardServer server = DashboardServer.start("127.0.0.1", 0, store).showingGuard(guard)) {
            String url = "http://127.0.0.1:" + server.port() + "/";
            JsonNode api = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "api/guard")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(api.path("alerts").get(0).path("kind").asText()).isEqualTo("KL_BUDGET");
            assertThat(api.path("champions")).hasSize(1);
            assertThat(api.path("champions").get(0).path("step").asLong()).isEqualTo(100);
            // The static report marks the same: the alert's line at step 200, the ring on the step-100 champion.
            String report = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "report"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(report).contains("<h2>Guard rails</h2>")
                    .contains("<g class=\"alert\" data-run=\"guard-it/dpo\" data-step=\"200\" "
                            + "data-severity=\"CRITICAL\">")
                    .contains("<circle class=\"champion\" data-run=\"guard-it/dpo\" data-step=\"100\"")
                    .doesNotContain("data-step=\"200\" cx=");

            try (HeadlessChromium chromium = HeadlessChromium.start(url, 900, 1100);
                    DevToolsSession page = DevToolsSession.attach(chromium.devToolsPort(), url)) {
                String alert = "document.querySelector('#by-step line[data-alert=\"KL_BUDGET\"]')";
                await("alert marker").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> page.evaluate(alert + " !== null").asBoolean());
                assertThat(page.evaluate(alert + ".getAttribute('data-alert-step')").asText()).isEqualTo("200");
                assertThat(page.evaluate(alert + ".getAttribute('data-alert-run')").asText()).isEqualTo(RUN);
                String ring = "document.querySelector('#by-step circle[data-champion]')";
                assertThat(page.evaluate(ring + ".getAttribute('data-champion-step')").asText()).isEqualTo("100");
                // The ring sits on the champion's point of the chart.
                assertThat(page.evaluate(ring + ".getAttribute('cx') === document.querySelector('#by-step "
                        + "circle[data-step=\"100\"]').getAttribute('cx')").asBoolean()).isTrue();
                assertThat(page.evaluate("document.querySelectorAll('#by-kl line[data-alert]').length").asInt())
                        .isEqualTo(1);
            }
        }
    }
}
