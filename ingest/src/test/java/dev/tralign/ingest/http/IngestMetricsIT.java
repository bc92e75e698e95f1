package dev.tralign.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.serde.SerdeConfig;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GET /metrics of the HTTP endpoint after real requests, scraped over HTTP as Prometheus would. */
@ExtendWith(EmbeddedStackExtension.class)
class IngestMetricsIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void countsRecordsInOutAndDeadLetteredAndTimesRequests(EmbeddedStack stack) throws Exception {
        try (Topics topics = Topics.create("metrics.", Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()));
                IngestHttpServer server = IngestHttpServer.start(HttpIngestConfig.local(0, null),
                        stack.bootstrapServers(), topics)) {
            // Two valid pairs and one without 'rejected': 2 out, 1 dead-lettered, 400 for the request.
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/preferences"))
                    .POST(HttpRequest.BodyPublishers.ofString("[{\"prompt\":\"m1\",\"chosen\":\"a\",\"rejected\":\"b\"},"
                            + "{\"prompt\":\"m2\",\"chosen\":\"c\",\"rejected\":\"d\"},{\"prompt\":\"m3\",\"chosen\":\"e\"}]"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(400);

            HttpResponse<String> scraped = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.headers().firstValue("Content-Type")).hasValueSatisfying(t -> t.startsWith("text/plain"));
            String text = scraped.body();
            assertThat(value(text, "tralign_ingest_records_in_total\\{endpoint=\"preferences\"\\}")).isEqualTo(3.0);
            assertThat(value(text, "tralign_ingest_records_out_total\\{endpoint=\"preferences\"\\}")).isEqualTo(2.0);
            assertThat(value(text, "tralign_ingest_records_dead_lettered_total\\{endpoint=\"preferences\"\\}"))
                    .isEqualTo(1.0);
            assertThat(value(text, "tralign_ingest_request_seconds_count\\{endpoint=\"preferences\",status=\"400\"\\}"))
                    .isEqualTo(1.0);
            assertThat(value(text, "tralign_ingest_request_seconds_sum\\{endpoint=\"preferences\",status=\"400\"\\}"))
                    .isGreaterThan(0.0).isLessThan(60.0);
        }
    }

    /** The sample value of the first line matching {@code series}. */
    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as(series + " in\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
