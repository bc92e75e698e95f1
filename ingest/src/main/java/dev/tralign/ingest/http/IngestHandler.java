package dev.tralign.ingest.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.ingest.kafka.OutcomeRecords;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.ingest.parse.Rejection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * POST /v1/preferences or /v1/feedback. Everything that needs no body comes first and closes the connection
 * without reading it: method (405), token (401), broker reachable (503), declared size (413). Then the body is
 * collected as it arrives without holding a thread, its bytes taken from the server's body budget (429 when spent) (408 when it stalls past --read-timeout or the whole
 * request passes --request-timeout), parsed record by record (413 past --max-records), reserved in the in-flight
 * buffer (429), published, and answered once the broker acknowledged: 202 (all accepted) or 400 (per-record
 * errors; the good ones are published).
 */
final class IngestHandler {

    private final HttpIngestConfig config;
    private final RequestBodies bodies;
    private final OutcomeRecords records;
    private final Producer<byte[], byte[]> producer;
    private final InFlightLimit inFlight;
    private final ByteBudget bodyBudget;
    private final BrokerProbe broker;
    private final IngestMetrics metrics;
    private final ScheduledExecutorService deadlines;
    private final String endpoint;

    IngestHandler(HttpIngestConfig config, RequestBodies bodies, OutcomeRecords records,
                  Producer<byte[], byte[]> producer, InFlightLimit inFlight, ByteBudget bodyBudget, BrokerProbe broker,
                  IngestMetrics metrics, ScheduledExecutorService deadlines, String endpoint) {
        this.config = config;
        this.bodies = bodies;
        this.records = records;
        this.producer = producer;
        this.inFlight = inFlight;
        this.bodyBudget = bodyBudget;
        this.broker = broker;
        this.metrics = metrics;
        this.deadlines = deadlines;
        this.endpoint = endpoint;
    }

    /** One request: answered exactly once, by whichever comes first of its own end and its deadline. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final String requestId = UUID.randomUUID().toString();
        final long started = System.nanoTime();
        final AtomicBoolean answered = new AtomicBoolean();
        volatile BodyCollector body;
        volatile boolean bodyRead;
        volatile ScheduledFuture<?> deadline;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            response.getHeaders().put("X-Request-Id", requestId);
        }

        void answer(int status, ObjectNode body, boolean close) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            release();
            metrics.request(endpoint, status, Duration.ofNanos(System.nanoTime() - started));
            Responses.json(response, callback, status, body, close);
        }

        void fail(String message, int status, long retryAfterSeconds) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
            answer(status, Responses.error(requestId, message), true);
        }

        /** The client went away: nothing to answer. */
        void abandon(Throwable failure) {
            if (answered.compareAndSet(false, true)) {
                release();
                callback.failed(failure);
            }
        }

        private void release() {
            ScheduledFuture<?> timer = deadline;
            if (timer != null) {
                timer.cancel(false);
            }
            BodyCollector collector = body;
            if (collector != null) {
                collector.release();
            }
        }
    }

    boolean handle(Request request, Response response, Callback callback) {
        Exchange exchange = new Exchange(request, response, callback);
        if (!request.getMethod().equals("POST")) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            exchange.answer(405, Responses.error(exchange.requestId, "use POST with a JSON object, an array or "
                    + "JSON lines"), true);
            return true;
        }
        if (!authorised(request)) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            exchange.answer(401, Responses.error(exchange.requestId, "missing or wrong bearer token; send "
                    + "'Authorization: Bearer <token>' with the token tralign ingest serve was started with "
                    + "(--token)"), true);
            return true;
        }
        if (!broker.ready()) {
            exchange.fail(broker.problem() + ", so nothing can be stored now; retry after "
                    + broker.retryAfterSeconds() + " s (GET /healthz/ready tells when it is back)", 503,
                    broker.retryAfterSeconds());
            return true;
        }
        if (request.getLength() > config.maxBodyBytes()) {
            exchange.answer(413, tooLarge(exchange.requestId), true);
            return true;
        }
        exchange.deadline = deadlines.schedule(() -> onDeadline(exchange), config.requestTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        exchange.body = BodyCollector.collect(request, config.maxBodyBytes(), bodyBudget);
        exchange.body.result().whenComplete((body, failure) -> {
            if (failure == null) {
                exchange.bodyRead = true;
                process(exchange, body);
            } else if (failure instanceof BodyCollector.Busy) {
                exchange.fail("the server holds " + bodyBudget.capacity() + " bytes of request bodies at most "
                        + "(--max-buffered-bytes) and is full; retry after 1 s", 429, 1);
            } else if (failure instanceof BodyCollector.TooLarge) {
                exchange.answer(413, tooLarge(exchange.requestId), true);
            } else if (failure instanceof TimeoutException) {
                exchange.answer(408, Responses.error(exchange.requestId, "no bytes of the body arrived for "
                        + config.readTimeout().toSeconds() + " s (--read-timeout); send the whole body without "
                        + "pauses"), true);
            } else {
                exchange.abandon(failure);
            }
        });
        return true;
    }

    private void onDeadline(Exchange exchange) {
        if (!exchange.bodyRead) {
            exchange.answer(408, Responses.error(exchange.requestId, "the request took longer than "
                    + config.requestTimeout().toSeconds() + " s (--request-timeout) to arrive; send it faster or in "
                    + "smaller requests"), true);
        } else {
            exchange.fail("the broker did not acknowledge the records within " + config.requestTimeout().toSeconds()
                    + " s (--request-timeout); nothing may be assumed stored: retry the request (ids are content "
                    + "hashes, so retries collapse)", 503, 5);
        }
    }

    private ObjectNode tooLarge(String requestId) {
        return Responses.error(requestId, "the body is over " + config.maxBodyBytes() + " bytes (--max-body-bytes); "
                + "split it into smaller requests").put("maxBodyBytes", config.maxBodyBytes());
    }

    private void process(Exchange exchange, byte[] body) {
        RequestBodies.Parsed parsed = bodies.parse(body, exchange.requestId);
        if (parsed.tooMany()) {
            exchange.answer(413, Responses.error(exchange.requestId, "the body holds more than "
                    + config.maxRecords() + " records (--max-records); split it into smaller requests")
                    .put("maxRecords", config.maxRecords()), false);
            return;
        }
        List<Outcome> outcomes = parsed.outcomes();
        metrics.recordsIn(endpoint, outcomes.size());
        if (outcomes.isEmpty()) {
            exchange.answer(400, Responses.error(exchange.requestId, "the body holds no records; send a JSON "
                    + "object, an array or JSON lines; see docs/ingest.md"), false);
            return;
        }
        if (!inFlight.tryReserve(outcomes.size())) {
            // The request fits the buffer when it is empty (--max-in-flight >= --max-records), so a retry succeeds
            // once earlier records are acknowledged, usually well within a second.
            exchange.response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            exchange.answer(429, Responses.error(exchange.requestId, "the ingest buffer is busy (" + inFlight.inFlight()
                    + " of " + inFlight.capacity() + " records wait for the broker, --max-in-flight); retry after "
                    + "1 s"), false);
            return;
        }
        publish(exchange, outcomes);
    }

    private void publish(Exchange exchange, List<Outcome> outcomes) {
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
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((ok, failure) -> {
            if (failure != null) {
                exchange.fail(describe(failure) + "; nothing may be assumed stored: retry the request (ids are "
                        + "content hashes, so retries collapse)", 503, 5);
            } else {
                ObjectNode verdicts = verdicts(exchange.requestId, outcomes);
                exchange.answer(verdicts.has("errors") ? 400 : 202, verdicts, false);
            }
        });
    }

    /** The ids of the accepted records and the reasons of the rejected ones (which went to the DLQ). */
    private ObjectNode verdicts(String requestId, List<Outcome> outcomes) {
        long rejected = outcomes.stream().filter(o -> o instanceof Outcome.Rejected).count();
        metrics.recordsOut(endpoint, outcomes.size() - (int) rejected);
        metrics.deadLettered(endpoint, (int) rejected);
        ObjectNode response = Responses.JSON.createObjectNode().put("requestId", requestId);
        ArrayNode ids = response.putArray("accepted");
        ArrayNode errors = Responses.JSON.createArrayNode();
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
        return response;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof RecordTooLargeException) {
            return "the broker refused a record as too large; lower --max-record-bytes or raise the broker's "
                    + "message.max.bytes";
        }
        if (cause instanceof RetriableException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "the broker did not acknowledge the records (it is unreachable or overloaded)";
        }
        return "the broker refused the records (" + String.valueOf(cause.getMessage()).lines().findFirst()
                .orElse("no reason given") + ")";
    }

    private boolean authorised(Request request) {
        if (config.bearerToken() == null) {
            return true;
        }
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String expected = "Bearer " + config.bearerToken();
        return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
