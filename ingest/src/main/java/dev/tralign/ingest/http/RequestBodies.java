package dev.tralign.ingest.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.Origin;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.ingest.parse.Rejection;
import dev.tralign.ingest.parse.Utf8;
import dev.tralign.ingest.read.FeedbackReader;
import dev.tralign.ingest.read.OriginFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request body (one JSON object, possibly pretty-printed; a JSON array; or JSON lines) into outcomes with
 * 0-based record indexes, through the same parser and reader as files and the raw topic, so the same bytes get
 * the same verdict everywhere (a single object is held to the record size limit like a JSON line). Records are
 * parsed one at a time and counting stops past {@code maxRecords}: memory stays bounded by the limits, whatever
 * the body holds. Pure: no HTTP, no Kafka. Records of the wrong kind for the endpoint (feedback posted to
 * /v1/preferences and the reverse) are rejected with a pointer to the right endpoint.
 */
final class RequestBodies {

    /** The records of a body, or {@code tooMany} when it holds more than the limit (then outcomes is empty). */
    record Parsed(List<Outcome> outcomes, boolean tooMany) {
    }

    private final FeedbackParser parser;
    private final FeedbackReader reader;
    private final Format expected;
    private final int maxRecords;

    /**
     * @param expected   {@link Format#BINARY} for /v1/feedback, {@link Format#AUTO} (pairs only) for /v1/preferences
     * @param maxRecords the most records one body may hold
     */
    RequestBodies(FeedbackParser parser, Format expected, int maxRecords) {
        this.parser = parser;
        this.reader = new FeedbackReader(parser);
        this.expected = expected;
        this.maxRecords = maxRecords;
    }

    /** Stops the reader once a body holds more records than allowed. */
    private static final class TooManyRecords extends RuntimeException {
        TooManyRecords() {
            super(null, null, false, false);
        }
    }

    Parsed parse(byte[] body, String requestId) {
        if (isSingleObject(body)) {
            return new Parsed(List.of(checkKind(parser.parse(body, Origin.http(requestId, 0), "http"))), false);
        }
        List<Outcome> outcomes = new ArrayList<>();
        try {
            reader.read(new ByteArrayInputStream(body), OriginFactory.forRequest(requestId), "http", outcome -> {
                if (outcomes.size() == maxRecords) {
                    throw new TooManyRecords();
                }
                outcomes.add(checkKind(outcome));
            });
        } catch (TooManyRecords e) {
            return new Parsed(List.of(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("reading an in-memory body cannot fail", e);
        }
        return new Parsed(outcomes, false);
    }

    /**
     * True when the whole body is one JSON object (pretty-printed or not): valid UTF-8 without control bytes (so
     * the parser cannot guess another encoding), '{' first, and nothing after the object. Skims tokens without
     * building a tree. Anything else is read as JSON lines or an array, where each record gets its own verdict.
     */
    private boolean isSingleObject(byte[] body) {
        int start = 0;
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        while (start < body.length && (body[start] == ' ' || body[start] == '\t' || body[start] == '\r'
                || body[start] == '\n')) {
            start++;
        }
        if (start == body.length || body[start] != '{' || Utf8.firstInvalid(body, 0, body.length) >= 0
                || Utf8.firstControl(body, 0, body.length) >= 0) {
            return false;
        }
        try (JsonParser json = parser.mapper().getFactory().createParser(body, start, body.length - start)) {
            json.nextToken();
            json.skipChildren();
            return json.nextToken() == null;
        } catch (IOException e) {
            return false; // not one well-formed object: the line reader gives each line its own verdict
        }
    }

    private Outcome checkKind(Outcome outcome) {
        if (expected == Format.BINARY || !(outcome instanceof Outcome.Feedback f)) {
            return outcome;
        }
        return new Outcome.Rejected(new Rejection(ErrorClass.UNKNOWN_FORMAT, "label", "this record is binary feedback "
                + "(prompt, completion, label); POST it to /v1/feedback", outcome.origin(),
                f.feedback().toString().getBytes(StandardCharsets.UTF_8)));
    }
}
