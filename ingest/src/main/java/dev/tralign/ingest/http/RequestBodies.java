package dev.tralign.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.Origin;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.ingest.parse.Rejection;
import dev.tralign.ingest.read.FeedbackReader;
import dev.tralign.ingest.read.OriginFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request body (one JSON object, possibly pretty-printed; a JSON array; or JSON lines) into outcomes
 * with 0-based record indexes. Pure: no HTTP, no Kafka. Records of the wrong kind for the endpoint
 * (feedback posted to /v1/preferences and the reverse) are rejected with a pointer to the right endpoint.
 */
final class RequestBodies {

    private final FeedbackParser parser;
    private final FeedbackReader reader;
    private final Format expected;

    /** @param expected {@link Format#BINARY} for /v1/feedback, {@link Format#AUTO} (pairs only) for /v1/preferences */
    RequestBodies(FeedbackParser parser, Format expected) {
        this.parser = parser;
        this.reader = new FeedbackReader(parser);
        this.expected = expected;
    }

    List<Outcome> parse(byte[] body, String requestId) {
        List<Outcome> outcomes = new ArrayList<>();
        JsonNode single = singleObject(body);
        if (single != null) {
            outcomes.add(parser.parseNode(single, body, Origin.http(requestId, 0), "http"));
        } else {
            try {
                reader.read(new ByteArrayInputStream(body), OriginFactory.forRequest(requestId), "http", outcomes::add);
            } catch (IOException e) {
                throw new UncheckedIOException("reading an in-memory body cannot fail", e);
            }
        }
        return outcomes.stream().map(this::checkKind).toList();
    }

    private JsonNode singleObject(byte[] body) {
        try {
            JsonNode node = parser.mapper().readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Outcome checkKind(Outcome outcome) {
        if (expected == Format.BINARY || !(outcome instanceof Outcome.Feedback f)) {
            return outcome;
        }
        return new Outcome.Rejected(new Rejection(ErrorClass.UNKNOWN_FORMAT, "label", "this record is binary feedback "
                + "(prompt, completion, label); POST it to /v1/feedback", outcome.origin(),
                f.feedback().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
