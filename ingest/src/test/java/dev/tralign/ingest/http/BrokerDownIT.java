package dev.tralign.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.serde.SerdeConfig;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.StackOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #19 D7: with the broker gone, /healthz stays 200 (alive) but says not ready, /healthz/ready is 503, and a
 * POST is answered 503 at once (it waited 60 s before) with a reason and no class name. Its own broker, stopped
 * half-way.
 */
class BrokerDownIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLostBrokerMakesTheEndpointNotReadyButAlive(@TempDir Path dir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        EmbeddedStack stack = EmbeddedStack.start(StackOptions.forTests(dir));
        boolean stopped = false;
        try (Topics topics = Topics.create("down.", Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()));
             IngestHttpServer server = IngestHttpServer.start(HttpIngestConfig.local(0, null), stack.bootstrapServers(),
                     topics)) {
            assertThat(get(http, server, "/healthz/ready").statusCode()).isEqualTo(200);

            stack.close();
            stopped = true;

            await().atMost(Duration.ofSeconds(30)).until(() -> get(http, server, "/healthz/ready").statusCode() == 503);
            HttpResponse<String> alive = get(http, server, "/healthz");
            assertThat(alive.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(alive.body()).get("ready").asBoolean()).isFalse();
            long started = System.nanoTime();
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/preferences"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(post.statusCode()).isEqualTo(503);
            assertThat(post.headers().firstValue("Retry-After")).isPresent();
            assertThat(post.body()).contains("broker").contains("retry");
            assertThat(Pattern.compile("[A-Za-z]+Exception|org\\.apache|java\\.").matcher(post.body()).find())
                    .as(post.body()).isFalse();
        } finally {
            if (!stopped) {
                stack.close();
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, IngestHttpServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
