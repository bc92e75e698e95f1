package dev.tralign.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The endpoint over real HTTP: what the registry holds, health that follows the supplier, exact routes. */
class MetricsHttpServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesTheRegistryAndHealth() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("tralign_test_events", "run", "r1").increment(3);
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, registry, healthy::get)) {
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> metrics = get(base + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).contains(MetricsHttpServer.PROMETHEUS_TEXT);
            assertThat(metrics.body()).containsPattern("(?m)^tralign_test_events_total\\{run=\"r1\"\\} 3\\.0$");
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
            healthy.set(false);
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(503);
            assertThat(get(base + "/metricsXYZ").statusCode()).isEqualTo(404);
            assertThat(get(base + "/").statusCode()).isEqualTo(404);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
