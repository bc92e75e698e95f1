package dev.tralign.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.ingest.read.FeedbackReader;
import dev.tralign.ingest.read.OriginFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus: each kind of broken record sits between two good records; the broken one must be
 * rejected with its error class and a reason, and both neighbours must still be accepted.
 */
class BadInputCorpusTest {

    private static final String GOOD_BEFORE = "{\"prompt\":\"What is 2+2?\",\"chosen\":\"4\",\"rejected\":\"5\"}";
    private static final String GOOD_AFTER = "{\"prompt\":\"Capital of France?\",\"completion\":\"Paris\",\"label\":true}";
    private static final String HUGE = "x".repeat(70 * 1024);

    static Stream<Arguments> corpus() {
        return Stream.of(
                bad("unclosed object", "{\"prompt\": \"a\", \"chosen\": \"b\"", ErrorClass.MALFORMED_JSON),
                bad("trailing garbage", "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\"} x", ErrorClass.MALFORMED_JSON),
                bad("duplicate key", "{\"prompt\":\"a\",\"chosen\":\"b\",\"chosen\":\"z\",\"rejected\":\"c\"}", ErrorClass.MALFORMED_JSON),
                bad("single quotes", "{'prompt':'a','chosen':'b','rejected':'c'}", ErrorClass.MALFORMED_JSON),
                bad("NaN literal", "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\",\"score_chosen\":NaN}", ErrorClass.MALFORMED_JSON),
                bad("invalid escape", "{\"prompt\":\"a\\x41\",\"chosen\":\"b\",\"rejected\":\"c\"}", ErrorClass.MALFORMED_JSON),
                bad("raw control character in string", "{\"prompt\":\"a\u0001b\",\"chosen\":\"b\",\"rejected\":\"c\"}", ErrorClass.MALFORMED_JSON),
                bad("nested garbage 100 deep", "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}", ErrorClass.MALFORMED_JSON),
                bad("array instead of object", "[\"a\",\"b\",\"c\"]", ErrorClass.NOT_AN_OBJECT),
                bad("bare string", "\"prompt chosen rejected\"", ErrorClass.NOT_AN_OBJECT),
                bad("bare number", "42", ErrorClass.NOT_AN_OBJECT),
                bad("bare null", "null", ErrorClass.NOT_AN_OBJECT),
                bad("empty object", "{}", ErrorClass.UNKNOWN_FORMAT),
                bad("unrelated fields", "{\"question\":\"a\",\"answer\":\"b\"}", ErrorClass.UNKNOWN_FORMAT),
                bad("missing chosen", "{\"prompt\":\"a\",\"rejected\":\"c\"}", ErrorClass.MISSING_FIELD),
                bad("missing rejected", "{\"prompt\":\"a\",\"chosen\":\"b\"}", ErrorClass.MISSING_FIELD),
                bad("null chosen", "{\"prompt\":\"a\",\"chosen\":null,\"rejected\":\"c\"}", ErrorClass.MISSING_FIELD),
                bad("empty chosen", "{\"prompt\":\"a\",\"chosen\":\"\",\"rejected\":\"c\"}", ErrorClass.BLANK_FIELD),
                bad("whitespace prompt", "{\"prompt\":\"  \\n\\t \",\"chosen\":\"b\",\"rejected\":\"c\"}", ErrorClass.BLANK_FIELD),
                bad("only control characters", "{\"prompt\":\"\\u0000\\u0007\",\"chosen\":\"b\",\"rejected\":\"c\"}", ErrorClass.BLANK_FIELD),
                bad("number as chosen", "{\"prompt\":\"a\",\"chosen\":42,\"rejected\":\"c\"}", ErrorClass.WRONG_TYPE),
                bad("float as rejected", "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":3.14}", ErrorClass.WRONG_TYPE),
                bad("boolean as rejected", "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":false}", ErrorClass.WRONG_TYPE),
                bad("object as prompt", "{\"prompt\":{\"text\":\"a\"},\"chosen\":\"b\",\"rejected\":\"c\"}", ErrorClass.WRONG_TYPE),
                bad("identical pair", "{\"prompt\":\"a\",\"chosen\":\"same\",\"rejected\":\"same\"}", ErrorClass.IDENTICAL_PAIR),
                bad("identical after trimming", "{\"prompt\":\"a\",\"chosen\":\" same\",\"rejected\":\"same \\n\"}", ErrorClass.IDENTICAL_PAIR),
                bad("missing label", "{\"prompt\":\"a\",\"completion\":\"b\"}", ErrorClass.MISSING_FIELD),
                bad("null label", "{\"prompt\":\"a\",\"completion\":\"b\",\"label\":null}", ErrorClass.MISSING_FIELD),
                bad("label maybe", "{\"prompt\":\"a\",\"completion\":\"b\",\"label\":\"maybe\"}", ErrorClass.INVALID_LABEL),
                bad("label as number", "{\"prompt\":\"a\",\"completion\":\"b\",\"label\":1}", ErrorClass.INVALID_LABEL),
                bad("missing completion", "{\"prompt\":\"a\",\"label\":true}", ErrorClass.MISSING_FIELD),
                bad("huge text", "{\"prompt\":\"a\",\"chosen\":\"" + HUGE + "\",\"rejected\":\"c\"}", ErrorClass.TOO_LARGE),
                bad("huge record", "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\",\"pad\":\"" + "y".repeat(600 * 1024) + "\"}", ErrorClass.TOO_LARGE),
                bad("lone high surrogate escape", "{\"prompt\":\"a\\ud800\",\"chosen\":\"b\",\"rejected\":\"c\"}", ErrorClass.INVALID_UTF8),
                bad("lone low surrogate escape", "{\"prompt\":\"a\",\"chosen\":\"\\udc00b\",\"rejected\":\"c\"}", ErrorClass.INVALID_UTF8),
                badBytes("invalid UTF-8 byte", bytes("{\"prompt\":\"a", 0xC3, 0x28, "\",\"chosen\":\"b\",\"rejected\":\"c\"}"), ErrorClass.INVALID_UTF8),
                badBytes("overlong UTF-8", bytes("{\"prompt\":\"a", 0xC0, 0xAF, "\",\"chosen\":\"b\",\"rejected\":\"c\"}"), ErrorClass.INVALID_UTF8),
                badBytes("CESU-8 surrogate bytes", bytes("{\"prompt\":\"a", 0xED, 0xA0, 0x80, "\",\"chosen\":\"b\",\"rejected\":\"c\"}"), ErrorClass.INVALID_UTF8),
                badBytes("Latin-1 text", bytes("{\"prompt\":\"caf", 0xE9, "\",\"chosen\":\"b\",\"rejected\":\"c\"}"), ErrorClass.INVALID_UTF8),
                bad("HH without shared history", "{\"chosen\":\"\\n\\nHuman: hi\\n\\nAssistant: yo\",\"rejected\":\"\\n\\nHuman: bye\\n\\nAssistant: no\"}", ErrorClass.NO_SHARED_PROMPT),
                bad("HH without Assistant marker", "{\"chosen\":\"Hello there\",\"rejected\":\"Hello you\"}", ErrorClass.NO_SHARED_PROMPT),
                bad("HH empty completion", "{\"chosen\":\"\\n\\nHuman: hi\\n\\nAssistant:\",\"rejected\":\"\\n\\nHuman: hi\\n\\nAssistant: yo\"}", ErrorClass.BLANK_FIELD),
                bad("conversation bad role", "{\"prompt\":[{\"role\":\"robot\",\"content\":\"hi\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"a\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"b\"}]}", ErrorClass.INVALID_CONVERSATION),
                bad("conversation message not object", "{\"prompt\":[\"hi\"],\"chosen\":[{\"role\":\"assistant\",\"content\":\"a\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"b\"}]}", ErrorClass.INVALID_CONVERSATION),
                bad("conversation completion from user", "{\"prompt\":[{\"role\":\"user\",\"content\":\"hi\"}],\"chosen\":[{\"role\":\"user\",\"content\":\"a\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"b\"}]}", ErrorClass.INVALID_CONVERSATION),
                bad("conversation missing content", "{\"prompt\":[{\"role\":\"user\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"a\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"b\"}]}", ErrorClass.MISSING_FIELD),
                bad("conversation number content", "{\"prompt\":[{\"role\":\"user\",\"content\":7}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"a\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"b\"}]}", ErrorClass.WRONG_TYPE),
                bad("conversation string chosen", "{\"prompt\":[{\"role\":\"user\",\"content\":\"hi\"}],\"chosen\":\"a\",\"rejected\":[{\"role\":\"assistant\",\"content\":\"b\"}]}", ErrorClass.WRONG_TYPE),
                bad("conversation identical", "{\"chosen\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"a\"}],\"rejected\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"a\"}]}", ErrorClass.IDENTICAL_PAIR),
                bad("conversation no shared prompt", "{\"chosen\":[{\"role\":\"assistant\",\"content\":\"a\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"b\"}]}", ErrorClass.INVALID_CONVERSATION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void rejectsTheBadRecordAndKeepsItsNeighbours(String kind, byte[] badLine, ErrorClass expected) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write((GOOD_BEFORE + "\n").getBytes(StandardCharsets.UTF_8));
        file.write(badLine);
        file.write(("\n" + GOOD_AFTER + "\n").getBytes(StandardCharsets.UTF_8));
        FeedbackParser parser = new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS,
                Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
        List<Outcome> outcomes = new ArrayList<>();

        new FeedbackReader(parser).read(new ByteArrayInputStream(file.toByteArray()), OriginFactory.forFile("corpus.jsonl"),
                "test", outcomes::add);

        assertThat(outcomes).hasSize(3);
        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Pair.class);
        assertThat(outcomes.get(2)).isInstanceOf(Outcome.Feedback.class);
        assertThat(outcomes.get(1)).isInstanceOf(Outcome.Rejected.class);
        Rejection rejection = ((Outcome.Rejected) outcomes.get(1)).rejection();
        assertThat(rejection.errorClass()).as(rejection.describe()).isEqualTo(expected);
        assertThat(rejection.describe()).startsWith("corpus.jsonl line 2: ");
        assertThat(rejection.reason()).hasSizeGreaterThan(30);
        assertThat(rejection.originalBytes()).isNotEmpty();
        assertThat(badLine).startsWith(rejection.originalBytes());
    }

    private static Arguments bad(String kind, String line, ErrorClass expected) {
        return Arguments.of(kind, line.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static Arguments badBytes(String kind, byte[] line, ErrorClass expected) {
        return Arguments.of(kind, line, expected);
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }
}
