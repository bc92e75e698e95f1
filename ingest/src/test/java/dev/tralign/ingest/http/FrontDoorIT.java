package dev.tralign.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.ingest.KafkaTestSupport;
import dev.tralign.ingest.parse.ContentIds;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.serde.SerdeConfig;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The front door under attack (issue #19, D1-D4 and D7): real sockets that send what a hostile or broken client
 * sends, against the real server and the embedded broker. Each test failed against the server before the fix.
 */
@ExtendWith(EmbeddedStackExtension.class)
class FrontDoorIT {

    private static final String TOKEN = "front-door-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What an error body must never show. */
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z]+Exception|org\\.apache|java\\.|\\bat [a-z]+\\.");
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

    static EmbeddedStack stack;
    static Topics topics;
    static IngestHttpServer server;
    /** One 64 KiB body at a time: its body budget is a single body. */
    static IngestHttpServer small;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start(EmbeddedStack stack) {
        FrontDoorIT.stack = stack;
        topics = Topics.create("attack.", Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()));
        HttpIngestConfig base = HttpIngestConfig.local(0, TOKEN).withTimeouts(READ_TIMEOUT, Duration.ofSeconds(20));
        server = IngestHttpServer.start(base.withRequestLimits(HttpIngestConfig.DEFAULT_MAX_BODY_BYTES, 1000, 5000,
                HttpIngestConfig.DEFAULT_MAX_BUFFERED_BYTES), stack.bootstrapServers(), topics);
        small = IngestHttpServer.start(base.withRequestLimits(64 * 1024, 1000, 5000, 64 * 1024),
                stack.bootstrapServers(), topics);
    }

    @AfterAll
    static void stop() {
        small.close();
        server.close();
        topics.close();
    }

    private static String pair(String prompt) {
        return "{\"prompt\":\"" + prompt + "\",\"chosen\":\"yes\",\"rejected\":\"no\"}";
    }

    private HttpResponse<String> post(IngestHttpServer target, String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(target.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(IngestHttpServer target, String body) throws Exception {
        return post(target, "/v1/preferences", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertNoClassNames(String body) {
        assertThat(CLASS_NAME.matcher(body).find()).as("error body shows a class name: %s", body).isFalse();
    }

    private static String stalledPost(boolean withToken) {
        return "POST /v1/preferences HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + (withToken ? "Authorization: Bearer " + TOKEN + "\r\n" : "") + "Content-Length: 100000\r\n\r\n"
                + "{\"prompt\":";
    }

    @Test
    void d1StalledAndUnauthenticatedConnectionsDoNotStarveTheOthers() throws Exception {
        List<RawHttp> authorised = new ArrayList<>();
        List<RawHttp> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                authorised.add(new RawHttp(server.port()).send(stalledPost(true)));
                strangers.add(new RawHttp(server.port()).send(stalledPost(false)));
            }
            // While all forty hold their sockets, health checks and real requests are answered at once.
            long started = System.nanoTime();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/healthz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> accepted = post(server, pair("d1-" + System.nanoTime()));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            // The wrong-token ones are refused without their body being waited for...
            for (RawHttp stranger : strangers) {
                RawHttp.Answer answer = stranger.answer(Duration.ofSeconds(5));
                assertThat(answer.status()).isEqualTo(401);
                assertNoClassNames(answer.body());
            }
            // ...and the stalled authorised ones are cut after the read timeout, with a reason.
            for (RawHttp stalled : authorised) {
                RawHttp.Answer answer = stalled.answer(Duration.ofSeconds(10));
                assertThat(answer.status()).isEqualTo(408);
                assertThat(answer.body()).contains("--read-timeout");
                assertThat(stalled.closedWithin(Duration.ofSeconds(5))).isTrue();
            }
        } finally {
            for (RawHttp client : authorised) {
                client.close();
            }
            for (RawHttp client : strangers) {
                client.close();
            }
        }
    }

    @Test
    void d1OpenConnectionsAreBoundedAndAFreedOneIsTakenAtOnce() throws Exception {
        // A long read timeout, so only the test's own close frees a connection.
        try (IngestHttpServer limited = IngestHttpServer.start(HttpIngestConfig.local(0, TOKEN)
                .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60)).withMaxConnections(4),
                stack.bootstrapServers(), topics)) {
            List<RawHttp> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    idle.add(new RawHttp(limited.port()));
                }
                CompletableFuture<HttpResponse<String>> health = http.sendAsync(HttpRequest.newBuilder(
                        URI.create(limited.url() + "/healthz")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                // Without the limit this is answered in milliseconds; with it, it waits for a free connection.
                assertThat(health).failsWithin(Duration.ofMillis(500))
                        .withThrowableOfType(java.util.concurrent.TimeoutException.class);
                idle.remove(0).close();
                assertThat(health.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            } finally {
                for (RawHttp client : idle) {
                    client.close();
                }
            }
        }
    }

    @Test
    void d1SlowHeadersAndIdleConnectionsAreClosedAfterTheReadTimeout() throws Exception {
        try (RawHttp slowHeaders = new RawHttp(server.port()).send("POST /v1/prefer");
             RawHttp idle = new RawHttp(server.port())) {
            assertThat(slowHeaders.closedWithin(Duration.ofSeconds(10))).isTrue();
            assertThat(idle.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void d2BytesThatLookLikeUtf32AreDeadLetteredAndTheGoodLineIsPublished() throws Exception {
        byte[] garbage = "\u0000\u0000\u0000\u0000\u0001\u0002\u0003garbage".getBytes(StandardCharsets.ISO_8859_1);
        String good = "d2-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(garbage);
        body.writeBytes(("\n" + pair(good) + "\n").getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = post(server, "/v1/preferences", body.toByteArray());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("errors").get(0).get("index").asInt()).isZero();
        assertThat(answer.get("accepted")).extracting(JsonNode::asText)
                .containsExactly(ContentIds.pairId(good, "yes", "no"));
        String requestId = answer.get("requestId").asText();
        assertThat(KafkaTestSupport.readValues(stack.bootstrapServers(), topics.preferences(), PreferencePair::getId))
                .contains(ContentIds.pairId(good, "yes", "no"));
        List<DeadLetter> letters = KafkaTestSupport.readValues(stack.bootstrapServers(), topics.dlq(), d -> d)
                .stream().filter(d -> requestId.equals(d.getRequestId())).toList();
        assertThat(letters).singleElement().satisfies(letter -> {
            byte[] original = new byte[letter.getOriginalBytes().remaining()];
            letter.getOriginalBytes().duplicate().get(original);
            assertThat(original).isEqualTo(garbage);
        });
    }

    @Test
    void d3FourHugeArraysAtOnceAreRefusedByRecordCountWithoutExhaustingMemory() throws Exception {
        byte[] ones = new byte[8_388_607];
        ones[0] = '[';
        for (int i = 1; i < ones.length - 1; i += 2) {
            ones[i] = '1';
            ones[i + 1] = ',';
        }
        ones[ones.length - 2] = '1';
        ones[ones.length - 1] = ']';
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return post(server, "/v1/preferences", ones);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
                assertThat(JSON.readTree(response.body()).get("maxRecords").asInt()).isEqualTo(1000);
                assertThat(response.body()).contains("--max-records");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void d3d4BodiesOverTheLimitAre413BeforeOrWhileTheyArrive() throws Exception {
        try (RawHttp declared = new RawHttp(server.port())) {
            RawHttp.Answer answer = declared.send("POST /v1/preferences HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nContent-Length: 100000000\r\n\r\n").answer(Duration.ofSeconds(5));
            assertThat(answer.status()).isEqualTo(413);
            assertThat(JSON.readTree(answer.body()).get("maxBodyBytes").asInt())
                    .isEqualTo(HttpIngestConfig.DEFAULT_MAX_BODY_BYTES);
        }
        try (RawHttp chunked = new RawHttp(small.port())) {
            chunked.send("POST /v1/preferences HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(16 * 1024);
            for (int i = 0; i < 5; i++) {
                chunked.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            RawHttp.Answer answer = chunked.answer(Duration.ofSeconds(5));
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.body()).contains("--max-body-bytes");
        }
    }

    @Test
    void d4AnOversizedSingleObjectIsADeadLetterLikeAnOversizedLine() throws Exception {
        for (int size : new int[] {600 * 1024, 1_200 * 1024}) {
            String object = "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\",\"note\":\"" + "n".repeat(size) + "\"}";

            HttpResponse<String> response = post(server, object);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("errors").get(0).get("errorClass").asText())
                    .isEqualTo("TOO_LARGE");
            assertThat(response.body()).contains("--max-record-bytes");
        }
    }

    @Test
    void d4OverlongUtf8IsRefusedNotStoredAsASlash() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"prompt\":\"a".getBytes(StandardCharsets.UTF_8));
        body.write(0xC0);
        body.write(0xAF);
        body.writeBytes("\",\"chosen\":\"b\",\"rejected\":\"c\"}".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = post(server, "/v1/preferences", body.toByteArray());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("errors").get(0).get("errorClass").asText())
                .isEqualTo("INVALID_UTF8");
    }

    @Test
    void d7ScoresOf1e400AndAnnotatorsWithEscapeCodesAreRefused() throws Exception {
        HttpResponse<String> score = post(server, "{\"prompt\":\"s\",\"chosen\":\"a\",\"rejected\":\"b\","
                + "\"score_chosen\":1e400,\"score_rejected\":0}");
        HttpResponse<String> annotator = post(server, "{\"prompt\":\"s\",\"chosen\":\"a\",\"rejected\":\"b\","
                + "\"annotator\":\"eve\\u0000\\u001b[2J\"}");

        assertThat(score.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(score.body()).get("errors").get(0).get("errorClass").asText())
                .isEqualTo("INVALID_NUMBER");
        assertThat(annotator.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(annotator.body()).get("errors").get(0).get("field").asText()).isEqualTo("annotator");
    }

    @Test
    void d7ABadContentLengthGetsAClear400() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            RawHttp.Answer answer = client.send("POST /v1/preferences HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nContent-Length: 12abc\r\n\r\n{}").answer(Duration.ofSeconds(5));

            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.body()).contains("Content-Length");
            assertNoClassNames(answer.body());
        }
    }

    @Test
    void d7OnlyExactPathsRoute() throws Exception {
        for (String path : List.of("/v1/preferencesXYZ", "/v1/preferences/x", "/healthzz", "/")) {
            HttpResponse<String> response = post(server, path, pair("route").getBytes(StandardCharsets.UTF_8));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).contains("POST /v1/preferences");
        }
    }

    @Test
    void d7AChunkedBodyWithATrailerIsAnswered() throws Exception {
        String record = pair("chunked-" + System.nanoTime());
        try (RawHttp client = new RawHttp(server.port())) {
            RawHttp.Answer answer = client.send("POST /v1/preferences HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                    + Integer.toHexString(record.length()) + "\r\n" + record + "\r\n0\r\nX-Checksum: 42\r\n\r\n")
                    .answer(Duration.ofSeconds(10));

            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        }
    }

    @Test
    void anIdleServerTakesAFullRequestWithout429() throws Exception {
        StringBuilder lines = new StringBuilder();
        String run = "full-" + System.nanoTime() + "-";
        for (int i = 0; i < 1000; i++) {
            lines.append(pair(run + i)).append('\n');
        }

        HttpResponse<String> response = post(server, lines.toString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).get("accepted")).hasSize(1000);
    }

    @Test
    void a429ComesWithARetryAfterThatSucceeds() throws Exception {
        String body = pair("retry-" + System.nanoTime() + "-" + "r".repeat(8 * 1024));
        try (RawHttp hog = new RawHttp(small.port())) {
            // Sends most of a full body and stalls: it holds the small server's whole body budget.
            hog.send("POST /v1/preferences HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Length: 65536\r\n\r\n" + "x".repeat(60 * 1024));
            java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> busy =
                    new java.util.concurrent.atomic.AtomicReference<>();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                busy.set(post(small, body));
                return busy.get().statusCode() == 429;
            });
            assertThat(busy.get().body()).contains("--max-buffered-bytes");
            assertNoClassNames(busy.get().body());
            String retryAfter = busy.get().headers().firstValue("Retry-After").orElseThrow();
            // Honouring Retry-After succeeds once the stalled client is cut by the read timeout.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(Long.parseLong(retryAfter)))
                    .until(() -> post(small, body).statusCode() == 202);
        }
    }

    @Test
    void healthzTellsAliveFromReady() throws Exception {
        HttpResponse<String> alive = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/healthz/ready"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(alive.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(alive.body()).get("ready").asBoolean()).isTrue();
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("status").asText()).isEqualTo("ready");
    }

    @Test
    void loadOf32ClientsTimes300RequestsLosesAndDuplicatesNothing() throws Exception {
        int clients = 32;
        int requests = 300;
        String run = "load-" + System.nanoTime() + "-";
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<CompletableFuture<Integer>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(CompletableFuture.supplyAsync(() -> {
                int retries = 0;
                for (int r = 0; r < requests; r++) {
                    byte[] body = pair(run + client + "-" + r).getBytes(StandardCharsets.UTF_8);
                    while (true) {
                        HttpResponse<String> response;
                        try {
                            response = post(server, "/v1/preferences", body);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        if (response.statusCode() == 202) {
                            break;
                        }
                        assertThat(response.statusCode()).as(response.body()).isIn(429, 503);
                        retries++;
                        long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElse("1"));
                        await().pollDelay(Duration.ofSeconds(seconds)).until(() -> true);
                    }
                }
                return retries;
            }, pool));
        }
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }

        List<String> ids = KafkaTestSupport.readValues(stack.bootstrapServers(), topics.preferences(),
                p -> p.getPrompt().startsWith(run) ? p.getId() : null).stream()
                .filter(java.util.Objects::nonNull).toList();
        assertThat(ids).hasSize(clients * requests);
        assertThat(new HashSet<>(ids)).hasSize(clients * requests);
    }
}
