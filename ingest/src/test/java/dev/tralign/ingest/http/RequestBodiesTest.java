package dev.tralign.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.ingest.parse.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {

    private final RequestBodies preferences = new RequestBodies(
            new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS, Clock.systemUTC()), Format.AUTO, 3);

    private List<Outcome> parse(String body) {
        RequestBodies.Parsed parsed = preferences.parse(body.getBytes(StandardCharsets.UTF_8), "req-1");
        assertThat(parsed.tooMany()).isFalse();
        return parsed.outcomes();
    }

    @Test
    void aPrettyPrintedObjectIsOneRecord() {
        List<Outcome> outcomes = parse("{\n  \"prompt\": \"p\",\n  \"chosen\": \"a\",\n  \"rejected\": \"b\"\n}\n");
        assertThat(outcomes).singleElement().isInstanceOf(Outcome.Pair.class);
        assertThat(outcomes.get(0).origin().index()).isZero();
    }

    @Test
    void arraysAndJsonLinesGetZeroBasedIndexes() {
        List<Outcome> array = parse("[{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}, 3]");
        List<Outcome> lines = parse("{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}\n{\"prompt\":\"q\"}\n");

        assertThat(array).extracting(o -> o.origin().index()).containsExactly(0, 1);
        assertThat(lines).extracting(o -> o.origin().index()).containsExactly(0, 1);
        assertThat(lines.get(1)).isInstanceOf(Outcome.Rejected.class);
        assertThat(lines.get(1).origin().describe()).isEqualTo("request req-1 record 1");
    }

    @Test
    void feedbackPostedAsPreferencesIsPointedToItsEndpoint() {
        Outcome outcome = parse("{\"prompt\":\"p\",\"completion\":\"a\",\"label\":true}").get(0);
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        var rejection = ((Outcome.Rejected) outcome).rejection();
        assertThat(rejection.errorClass()).isEqualTo(ErrorClass.UNKNOWN_FORMAT);
        assertThat(rejection.reason()).contains("/v1/feedback");
    }

    @Test
    void aSingleObjectIsHeldToTheRecordSizeLimitLikeAJsonLine() {
        String big = "x".repeat(60 * 1024);
        String object = "{\"prompt\":\"" + big + "\",\"chosen\":\"" + big + "\",\"rejected\":\""
                + big + "\",\"note\":\"" + "y".repeat(420 * 1024) + "\"}";

        Outcome single = parse(object).get(0);
        Outcome line = parse(object + "\n" + object).get(0);

        assertThat(((Outcome.Rejected) single).rejection().errorClass()).isEqualTo(ErrorClass.TOO_LARGE);
        assertThat(((Outcome.Rejected) line).rejection().errorClass()).isEqualTo(ErrorClass.TOO_LARGE);
    }

    @Test
    void countingStopsPastTheRecordLimitWithoutParsingTheRest() {
        RequestBodies.Parsed parsed = preferences.parse(("[" + "1,".repeat(1_000_000) + "1]")
                .getBytes(StandardCharsets.UTF_8), "req-2");

        assertThat(parsed.tooMany()).isTrue();
        assertThat(preferences.parse("[1,2,3]".getBytes(StandardCharsets.UTF_8), "req-3").tooMany()).isFalse();
    }

    @Test
    void aBadLineDoesNotTakeTheGoodLineWithIt() {
        List<Outcome> outcomes = preferences.parse(("\u0000\u0000\u0000\u0000\u0001\u0002\u0003garbage\n"
                + "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}\n").getBytes(StandardCharsets.ISO_8859_1),
                "req-4").outcomes();

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Rejected.class);
        assertThat(outcomes.get(1)).isInstanceOf(Outcome.Pair.class);
    }
}
