package dev.tralign.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.ingest.KafkaTestSupport;
import dev.tralign.ingest.parse.ContentIds;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.FeedbackLabel;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.serde.SerdeConfig;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP endpoint against the embedded stack (KRaft broker, registry over HTTP), through a real HTTP client. */
@ExtendWith(EmbeddedStackExtension.class)
class IngestHttpServerIT {

    private static final String TOKEN = "s3cret-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    static EmbeddedStack stack;
    static Topics topics;
    static IngestHttpServer server;
    static IngestHttpServer tinyServer;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(EmbeddedStack stack) {
        IngestHttpServerIT.stack = stack;
        topics = Topics.create("http.", Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()));
        server = IngestHttpServer.start(HttpIngestConfig.local(0, TOKEN), stack.bootstrapServers(), topics);
        tinyServer = IngestHttpServer.start(new HttpIngestConfig("127.0.0.1", 0, TOKEN, 2048, 2, IngestLimits.DEFAULTS),
                stack.bootstrapServers(), topics);
    }

    @AfterAll
    static void stop() {
        tinyServer.close();
        server.close();
        topics.close();
    }

    private HttpResponse<String> post(IngestHttpServer target, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void acceptsAnArrayWith202AndTheContentIdsAndPublishesIt() throws Exception {
        HttpResponse<String> response = post(server, "/v1/preferences", "[{\"prompt\":\"h1\",\"chosen\":\"a\","
                + "\"rejected\":\"b\"},{\"prompt\":\"h2\",\"chosen\":\"c\",\"rejected\":\"d\"}]", TOKEN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("accepted")).extracting(JsonNode::asText)
                .containsExactly(ContentIds.pairId("h1", "a", "b"), ContentIds.pairId("h2", "c", "d"));
        assertThat(response.headers().firstValue("X-Request-Id")).contains(body.get("requestId").asText());
        assertThat(KafkaTestSupport.readValues(stack.bootstrapServers(), topics.preferences(), PreferencePair::getId))
                .contains(ContentIds.pairId("h1", "a", "b"), ContentIds.pairId("h2", "c", "d"));
    }

    @Test
    void mixedRequestGets400WithPerRecordErrorsAndTheGoodRecordsArePublished() throws Exception {
        String lines = "{\"prompt\":\"m1\",\"chosen\":\"a\",\"rejected\":\"b\"}\n"
                + "{\"prompt\":\"m2\",\"chosen\":42,\"rejected\":\"b\"}\n"
                + "{\"prompt\":\"m3\",\"chosen\":\"a\",\"rejected\":\"b\"}\n"
                + "{\"prompt\":\"m4\",\"completion\":\"x\",\"label\":true}\n";

        HttpResponse<String> response = post(server, "/v1/preferences", lines, TOKEN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("accepted")).extracting(JsonNode::asText)
                .containsExactly(ContentIds.pairId("m1", "a", "b"), ContentIds.pairId("m3", "a", "b"));
        assertThat(body.get("errors")).hasSize(2);
        assertThat(body.get("errors").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(body.get("errors").get(0).get("field").asText()).isEqualTo("chosen");
        assertThat(body.get("errors").get(0).get("reason").asText()).contains("must be a JSON string");
        assertThat(body.get("errors").get(1).get("index").asInt()).isEqualTo(3);
        assertThat(body.get("errors").get(1).get("reason").asText()).contains("/v1/feedback");
        assertThat(KafkaTestSupport.readValues(stack.bootstrapServers(), topics.preferences(), PreferencePair::getId))
                .contains(ContentIds.pairId("m1", "a", "b"), ContentIds.pairId("m3", "a", "b"));
        String requestId = body.get("requestId").asText();
        List<DeadLetter> letters = KafkaTestSupport.readValues(stack.bootstrapServers(), topics.dlq(), d -> d).stream()
                .filter(d -> requestId.equals(d.getRequestId())).toList();
        assertThat(letters).extracting(DeadLetter::getErrorClass).containsExactly("WRONG_TYPE", "UNKNOWN_FORMAT");
        assertThat(letters.get(0).getOrigin()).isEqualTo("request " + requestId + " record 1");
    }

    @Test
    void feedbackEndpointTakesOnePrettyPrintedObject() throws Exception {
        HttpResponse<String> response = post(server, "/v1/feedback", "{\n  \"prompt\": \"f1\",\n  \"completion\": \"ok\","
                + "\n  \"label\": \"undesirable\"\n}\n", TOKEN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = ContentIds.feedbackId("f1", "ok", FeedbackLabel.UNDESIRABLE);
        assertThat(JSON.readTree(response.body()).get("accepted").get(0).asText()).isEqualTo(id);
        assertThat(KafkaTestSupport.readValues(stack.bootstrapServers(), topics.feedback(), BinaryFeedback::getId))
                .contains(id);
    }

    @Test
    void rejectsMissingOrWrongTokenWith401() throws Exception {
        assertThat(post(server, "/v1/preferences", "{}", null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = post(server, "/v1/preferences", "{}", "guess");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("bearer token");
    }

    @Test
    void rejectsOversizedBodiesWith413() throws Exception {
        String big = "{\"prompt\":\"" + "x".repeat(3000) + "\",\"chosen\":\"a\",\"rejected\":\"b\"}";
        HttpResponse<String> response = post(tinyServer, "/v1/preferences", big, TOKEN);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("--max-body-bytes");
    }

    @Test
    void answers413WithTheLimitWhenARequestHoldsMoreRecordsThanAnyRequestMay() throws Exception {
        // The tiny server's buffer holds two records, so --max-records is two: three can never be accepted, and a
        // 429 "retry" would never succeed.
        String three = "[{\"prompt\":\"t1\",\"chosen\":\"a\",\"rejected\":\"b\"},{\"prompt\":\"t2\",\"chosen\":\"a\","
                + "\"rejected\":\"b\"},{\"prompt\":\"t3\",\"chosen\":\"a\",\"rejected\":\"b\"}]";
        HttpResponse<String> response = post(tinyServer, "/v1/preferences", three, TOKEN);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("--max-records");
        assertThat(JSON.readTree(response.body()).get("maxRecords").asInt()).isEqualTo(2);
        String two = "[{\"prompt\":\"t1\",\"chosen\":\"a\",\"rejected\":\"b\"},{\"prompt\":\"t2\",\"chosen\":\"a\","
                + "\"rejected\":\"b\"}]";
        assertThat(post(tinyServer, "/v1/preferences", two, TOKEN).statusCode()).isEqualTo(202);
    }

    @Test
    void healthzAnswersWithoutToken() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("status").asText()).isEqualTo("alive");
        assertThat(JSON.readTree(response.body()).get("ready").asBoolean()).isTrue();
    }
}
