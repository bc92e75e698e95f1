package dev.tralign.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's HTTP API and pages over a real local server. */
class DashboardServerIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();
    private final WinRateStore store = new WinRateStore();
    private DashboardServer server;

    @BeforeEach
    void start() throws IOException {
        store.put(TestWinRates.of("dpo", 100, 55.0, 1.5));
        store.put(TestWinRates.of("dpo", 200, 61.0, 3.0));
        store.put(TestWinRates.of("team/tr-dpo", 100, 58.0, null));
        server = DashboardServer.start("127.0.0.1", 0, store);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listsRuns() throws Exception {
        HttpResponse<String> response = get("/api/runs");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode runs = mapper.readTree(response.body());
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).get("runId").asText()).isEqualTo("dpo");
        assertThat(runs.get(0).get("checkpoints").asInt()).isEqualTo(2);
        assertThat(runs.get(0).get("latestStep").asLong()).isEqualTo(200);
        assertThat(runs.get(0).get("latestWinRate").asDouble()).isEqualTo(61.0);
    }

    @Test
    void servesARunsSeriesIncludingRunIdsWithSlashes() throws Exception {
        JsonNode dpo = mapper.readTree(get("/api/runs/dpo/win-rates").body());
        assertThat(dpo).hasSize(2);
        assertThat(dpo.get(1).get("step").asLong()).isEqualTo(200);
        assertThat(dpo.get(1).get("klToSft").asDouble()).isEqualTo(3.0);

        String encoded = URLEncoder.encode("team/tr-dpo", StandardCharsets.UTF_8);
        HttpResponse<String> slashed = get("/api/runs/" + encoded + "/win-rates");
        assertThat(slashed.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(slashed.body()).get(0).get("runId").asText()).isEqualTo("team/tr-dpo");
    }

    @Test
    void unknownRunsAndPathsAre404AndWritesAre405() throws Exception {
        assertThat(get("/api/runs/nope/win-rates").statusCode()).isEqualTo(404);
        assertThat(get("/api/nothing").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/runs"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void pageAndReportAreServed() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("createElementNS(NS", "fetch(\"/api/runs\")", "setInterval(refresh");

        HttpResponse<String> report = get("/report");
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).contains("dpo", "team/tr-dpo", "<svg")
                .as("no guard shown: no section, no marks").doesNotContain("Guard rails", "class=\"alert\"");
    }
}
