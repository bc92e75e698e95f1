package dev.tralign.app.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.app.world.SimulatedAnnotators;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Sends the simulated annotators' labels to tralign's ingest endpoint as JSON lines, exactly as an outside labelling
 * team would (POST /v1/preferences), in batches. Any answer but 202 is an error that names the status and body.
 */
public final class FeedbackSender {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI endpoint;

    public FeedbackSender(String ingestUrl) {
        this.endpoint = URI.create(ingestUrl.replaceAll("/$", "") + "/v1/preferences");
    }

    /** Sends every pair; returns how many the endpoint accepted. */
    public int send(List<SimulatedAnnotators.LabelledPair> pairs, String annotator) {
        int accepted = 0;
        for (int from = 0; from < pairs.size(); from += BATCH) {
            StringBuilder body = new StringBuilder();
            for (SimulatedAnnotators.LabelledPair pair : pairs.subList(from, Math.min(pairs.size(), from + BATCH))) {
                ObjectNode line = JSON.createObjectNode().put("prompt", pair.prompt()).put("chosen", pair.chosen())
                        .put("rejected", pair.rejected()).put("annotator", annotator);
                body.append(line).append('\n');
            }
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 202) {
                    throw new IllegalStateException("ingest answered " + response.statusCode() + " to a batch of "
                            + "feedback: " + response.body());
                }
                accepted += Math.min(BATCH, pairs.size() - from);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reach the ingest endpoint " + endpoint, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending feedback", e);
            }
        }
        return accepted;
    }
}
