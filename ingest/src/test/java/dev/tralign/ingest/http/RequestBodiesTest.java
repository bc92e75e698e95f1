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
            new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS, Clock.systemUTC()), Format.AUTO);

    private List<Outcome> parse(String body) {
        return preferences.parse(body.getBytes(StandardCharsets.UTF_8), "req-1");
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
}
