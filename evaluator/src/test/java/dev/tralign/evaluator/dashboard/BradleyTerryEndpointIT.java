package dev.tralign.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.evaluator.report.CheckpointGames;
import dev.tralign.schemas.avro.Judgment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /api/bradley-terry over a real local server, games as the judgments feed would add them. */
class BradleyTerryEndpointIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();
    private final CheckpointGames games = new CheckpointGames();
    private DashboardServer server;

    private static Judgment judgment(String run, long step, String prompt, double preference) {
        return Judgment.newBuilder().setRunId(run).setStep(step).setPromptId(prompt).setJudge("gold")
                .setCandidate("c-" + run + step + prompt).setBaseline("b-" + prompt).setPreference(preference)
                .setCandidateScore(null).setBaselineScore(null).setRatings(Map.of()).setAt(Instant.EPOCH).build();
    }

    @BeforeEach
    void start() throws IOException {
        for (int p = 0; p < 40; p++) {
            games.add(judgment("dpo", 100, "p" + p, p % 4 == 0 ? 1.0 : 2.0)); // 75%
            games.add(judgment("dpo", 200, "p" + p, p % 2 == 0 ? 1.0 : 2.0)); // 50%
            games.add(judgment("tr-dpo", 100, "p" + p, p % 5 == 0 ? 1.0 : 2.0)); // 80%
        }
        server = DashboardServer.start("127.0.0.1", 0, new WinRateStore(), new TrainingStore(), games, () -> true);
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
    void ranksEveryCheckpointAndTheBaselineWithIntervals() throws Exception {
        HttpResponse<String> response = get("/api/bradley-terry");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = mapper.readTree(response.body());
        assertThat(json.get("anchor").asText()).isEqualTo(CheckpointGames.BASELINE);
        assertThat(json.get("prompts").asInt()).isEqualTo(40);
        assertThat(json.get("rounds").asInt()).isEqualTo(100);
        assertThat(json.get("baselineMismatches").asInt()).isZero();
        JsonNode scores = json.get("scores");
        assertThat(scores).extracting(s -> s.get("player").asText())
                .containsExactly("tr-dpo@100", "dpo@100", "SFT baseline", "dpo@200");
        assertThat(scores.get(0).get("score").asDouble()).isCloseTo(80, within(0.05));
        assertThat(scores.get(0).get("low").asDouble()).isLessThan(80);
        assertThat(scores.get(0).get("high").asDouble()).isGreaterThan(80);
        // The same request again is the same answer (seeded bootstrap, cached until the games change).
        assertThat(get("/api/bradley-terry").body()).isEqualTo(response.body());
    }

    @Test
    void theStaticReportHasTheRankingToo() throws Exception {
        HttpResponse<String> report = get("/report");
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).contains("Bradley-Terry scores", "data-player=\"tr-dpo@100\"",
                "100 bootstrap resamples of the 40 prompts (seed 42)");
    }

    @Test
    void selectsRunsAndRejectsBadParameters() throws Exception {
        JsonNode one = mapper.readTree(get("/api/bradley-terry?run=tr-dpo&rounds=20&seed=7").body());
        assertThat(one.get("scores")).extracting(s -> s.get("player").asText())
                .containsExactly("tr-dpo@100", "SFT baseline");
        assertThat(one.get("rounds").asInt()).isEqualTo(20);

        HttpResponse<String> tooMany = get("/api/bradley-terry?rounds=100000");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("rounds must be in 1-1000");
        assertThat(get("/api/bradley-terry?rounds=ten").statusCode()).isEqualTo(400);
        assertThat(get("/api/bradley-terry?runs=x").body()).contains("unknown parameter 'runs'");
    }
}
