package dev.tralign.ingest.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tralign.ingest.kafka.OutcomeRecords;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.ingest.parse.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;

/**
 * POST handler: auth (401), size (413), parse, room in the buffer (429), publish accepted records and dead
 * letters, wait for the broker, then 202 (all accepted) or 400 (per-record errors; the good ones are published).
 */
final class IngestHandler implements HttpHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpIngestConfig config;
    private final RequestBodies bodies;
    private final OutcomeRecords records;
    private final Producer<byte[], byte[]> producer;
    private final InFlightLimit inFlight;
    private final IngestMetrics metrics;
    private final String endpoint;

    IngestHandler(HttpIngestConfig config, RequestBodies bodies, OutcomeRecords records,
                  Producer<byte[], byte[]> producer, InFlightLimit inFlight, IngestMetrics metrics, String endpoint) {
        this.config = config;
        this.bodies = bodies;
        this.records = records;
        this.producer = producer;
        this.inFlight = inFlight;
        this.metrics = metrics;
        this.endpoint = endpoint;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        try {
            serve(exchange);
        } finally {
            metrics.request(endpoint, exchange.getResponseCode(), java.time.Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requestId = UUID.randomUUID().toString();
            exchange.getResponseHeaders().set("X-Request-Id", requestId);
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 405, error(requestId, "use POST with a JSON object, array or JSON lines"));
                return;
            }
            if (!authorised(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                respond(exchange, 401, error(requestId, "missing or wrong bearer token; send 'Authorization: Bearer "
                        + "<token>' with the token tralign ingest serve was started with"));
                return;
            }
            String declared = exchange.getRequestHeaders().getFirst("Content-Length");
            byte[] body = declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > config.maxBodyBytes()
                    ? null : readBounded(exchange.getRequestBody(), config.maxBodyBytes());
            if (body == null) {
                respond(exchange, 413, error(requestId, "the body is over " + config.maxBodyBytes()
                        + " bytes (--max-body-bytes); split it into smaller requests"));
                return;
            }
            List<Outcome> outcomes = bodies.parse(body, requestId);
            metrics.recordsIn(endpoint, outcomes.size());
            if (outcomes.isEmpty()) {
                respond(exchange, 400, error(requestId, "the body holds no records; send a JSON object, an array or "
                        + "JSON lines; see docs/ingest.md"));
                return;
            }
            if (!inFlight.tryReserve(outcomes.size())) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                respond(exchange, 429, error(requestId, "the ingest buffer is full (" + inFlight.capacity()
                        + " records in flight at most); retry after a second or send smaller requests"));
                return;
            }
            publishAndRespond(exchange, requestId, outcomes);
        }
    }

    private void publishAndRespond(HttpExchange exchange, String requestId, List<Outcome> outcomes) throws IOException {
        List<CompletableFuture<Void>> acks = new ArrayList<>(outcomes.size());
        for (Outcome outcome : outcomes) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            try {
                producer.send(records.toRecord(outcome), (metadata, e) -> {
                    inFlight.release(1);
                    if (e == null) {
                        ack.complete(null);
                    } else {
                        ack.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                inFlight.release(1);
                ack.completeExceptionally(e);
            }
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            respond(exchange, 503, error(requestId, "Kafka did not acknowledge the records (" + e
                    + "); nothing may be assumed stored: retry the request (ids are content hashes, so retries "
                    + "collapse)"));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 503, error(requestId, "the server is shutting down; retry"));
            return;
        }
        long rejected = outcomes.stream().filter(o -> o instanceof Outcome.Rejected).count();
        metrics.recordsOut(endpoint, outcomes.size() - (int) rejected);
        metrics.deadLettered(endpoint, (int) rejected);
        ObjectNode response = JSON.createObjectNode().put("requestId", requestId);
        ArrayNode ids = response.putArray("accepted");
        ArrayNode errors = JSON.createArrayNode();
        for (Outcome outcome : outcomes) {
            if (outcome instanceof Outcome.Pair p) {
                ids.add(p.pair().getId());
            } else if (outcome instanceof Outcome.Feedback f) {
                ids.add(f.feedback().getId());
            } else {
                Rejection rejection = ((Outcome.Rejected) outcome).rejection();
                errors.addObject().put("index", rejection.origin().index()).put("field", rejection.field())
                        .put("errorClass", rejection.errorClass().name()).put("reason", rejection.reason());
            }
        }
        if (!errors.isEmpty()) {
            response.set("errors", errors);
        }
        respond(exchange, errors.isEmpty() ? 202 : 400, response);
    }

    private boolean authorised(HttpExchange exchange) {
        if (config.bearerToken() == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Bearer " + config.bearerToken();
        return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    /** The body, or null if it is longer than max (read no further than max + 1 bytes). */
    private static byte[] readBounded(InputStream in, int max) throws IOException {
        byte[] body = in.readNBytes(max + 1);
        return body.length > max ? null : body;
    }

    private static ObjectNode error(String requestId, String message) {
        return JSON.createObjectNode().put("requestId", requestId).put("error", message);
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
