package dev.tralign.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.ingest.parse.Origin;
import dev.tralign.ingest.parse.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bytes from the hostile-input probe of issue #19 (D2, D4, D7), through the record parser (raw topic, JSON lines)
 * and the stream reader (files, HTTP arrays and lines): each must be a rejection with a reason, never an exception,
 * and a good record next to it must still be accepted.
 */
class HostileBytesTest {

    private static final byte[] UTF32_LOOKALIKE = "\u0000\u0000\u0000\u0000\u0001\u0002\u0003garbage"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final String GOOD = "{\"prompt\":\"q\",\"chosen\":\"yes\",\"rejected\":\"no\"}";

    private final FeedbackParser parser = new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS, Clock.systemUTC());

    private Outcome parse(byte[] raw) {
        return parser.parse(raw, Origin.kafka("tralign.raw", 0, 7), "raw-topic");
    }

    private List<Outcome> read(byte[] body) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        new FeedbackReader(parser).read(new ByteArrayInputStream(body), OriginFactory.forFile("in"), "test",
                outcomes::add);
        return outcomes;
    }

    private static ErrorClass errorClass(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        return ((Outcome.Rejected) outcome).rejection().errorClass();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fourteenBytesThatLookLikeUtf32AreADeadLetterNotAnException() {
        Outcome outcome = parse(UTF32_LOOKALIKE);

        assertThat(errorClass(outcome)).isEqualTo(ErrorClass.MALFORMED_JSON);
        assertThat(((Outcome.Rejected) outcome).rejection().reason()).contains("control byte 0x00 at byte 0");
        assertThat(((Outcome.Rejected) outcome).rejection().originalBytes()).isEqualTo(UTF32_LOOKALIKE);
    }

    @Test
    void theSameBytesInJsonLinesLeaveTheGoodLineAccepted() throws IOException {
        List<Outcome> outcomes = read(concat(UTF32_LOOKALIKE, utf8("\n" + GOOD + "\n")));

        assertThat(outcomes).hasSize(2);
        assertThat(errorClass(outcomes.get(0))).isEqualTo(ErrorClass.MALFORMED_JSON);
        assertThat(outcomes.get(1)).isInstanceOf(Outcome.Pair.class);
    }

    @Test
    void anArrayStartingWithZeroBytesIsRejectedNotThrown() throws IOException {
        List<Outcome> outcomes = read(concat(utf8("["), new byte[] {0, 0, 0}, utf8("]")));

        assertThat(outcomes).singleElement().satisfies(o -> assertThat(errorClass(o)).isEqualTo(ErrorClass.INVALID_UTF8));
    }

    @Test
    void overlongSlashIsRefusedInARecordAndInAnArray() throws IOException {
        byte[] overlong = concat(utf8("{\"prompt\":\"a"), new byte[] {(byte) 0xC0, (byte) 0xAF},
                utf8("\",\"chosen\":\"b\",\"rejected\":\"c\"}"));
        assertThat(errorClass(parse(overlong))).isEqualTo(ErrorClass.INVALID_UTF8);

        List<Outcome> outcomes = read(concat(utf8("[" + GOOD + ","), overlong, utf8("]")));
        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Pair.class);
        assertThat(errorClass(outcomes.get(1))).isEqualTo(ErrorClass.INVALID_UTF8);
    }

    @Test
    void cesu8SurrogatesAreRefused() {
        byte[] cesu = concat(utf8("{\"prompt\":\"a"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD,
                (byte) 0xED, (byte) 0xB8, (byte) 0x80}, utf8("\",\"chosen\":\"b\",\"rejected\":\"c\"}"));

        assertThat(errorClass(parse(cesu))).isEqualTo(ErrorClass.INVALID_UTF8);
    }

    @Test
    void utf16AndUtf32BodiesAreRefusedNotGuessed() throws IOException {
        assertThat(errorClass(parse(GOOD.getBytes(StandardCharsets.UTF_16LE)))).isEqualTo(ErrorClass.MALFORMED_JSON);
        assertThat(errorClass(parse(GOOD.getBytes(StandardCharsets.UTF_16BE)))).isEqualTo(ErrorClass.MALFORMED_JSON);
        assertThat(errorClass(parse(GOOD.getBytes(java.nio.charset.Charset.forName("UTF-32BE")))))
                .isEqualTo(ErrorClass.MALFORMED_JSON);
        assertThat(read(GOOD.getBytes(StandardCharsets.UTF_16))).singleElement()
                .satisfies(o -> assertThat(errorClass(o)).isEqualTo(ErrorClass.INVALID_UTF8));
    }

    @Test
    void aScoreOf1e400IsRefusedWithAMessage() {
        Outcome outcome = parse(utf8("{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\",\"score_chosen\":1e400,"
                + "\"score_rejected\":1}"));

        assertThat(errorClass(outcome)).isEqualTo(ErrorClass.INVALID_NUMBER);
        assertThat(((Outcome.Rejected) outcome).rejection().field()).isEqualTo("score_chosen");
        assertThat(((Outcome.Rejected) outcome).rejection().reason()).contains("finite number");
    }

    @Test
    void anAnnotatorWithNulOrEscapeCodesIsRefused() {
        for (String annotator : List.of("ann\\u0000", "\\u001b[31mred\\u001b[0m", "a\\u009bb")) {
            Outcome outcome = parse(utf8("{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\",\"annotator\":\""
                    + annotator + "\"}"));

            assertThat(errorClass(outcome)).as(annotator).isEqualTo(ErrorClass.CONTROL_CHARACTER);
            assertThat(((Outcome.Rejected) outcome).rejection().field()).isEqualTo("annotator");
        }
        Outcome plain = parse(utf8("{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\",\"annotator\":\"Ann\"}"));
        assertThat(((Outcome.Pair) plain).pair().getAnnotator()).isEqualTo("Ann");
    }
}
