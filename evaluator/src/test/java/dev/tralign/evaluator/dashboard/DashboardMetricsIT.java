package dev.tralign.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GET /metrics and /healthz of the dashboard fed from a real win-rates topic, scraped over HTTP. */
@ExtendWith(EmbeddedStackExtension.class)
class DashboardMetricsIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void exposesRecordsReadAndTheLatestWinRatePerRun(EmbeddedStack stack) throws Exception {
        try (Topics topics = Topics.create("metrics-it.", Map.of("schema.registry.url", stack.registryUrl()))) {
            stack.createTopics(topics);
            try (KafkaProducer<String, WinRate> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                    topics.winRates().keySerde().serializer(), topics.winRates().valueSerde().serializer())) {
                String topic = topics.winRates().name();
                producer.send(new ProducerRecord<>(topic, "dpo/100", TestWinRates.of("dpo", 100, 55.0, 1.5))).get();
                producer.send(new ProducerRecord<>(topic, "dpo/200", TestWinRates.of("dpo", 200, 61.0, 3.0))).get();
                producer.send(new ProducerRecord<>(topic, "tr/100", TestWinRates.of("tr-dpo", 100, 58.5, null))).get();
            }
            WinRateStore store = new WinRateStore();
            TopicFeed<WinRate> feed = TopicFeed.start(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.bootstrapServers()), topics.winRates(), store::put);
            try (DashboardServer server = DashboardServer.start("127.0.0.1", 0, store, feed::isRunning)) {
                String base = "http://127.0.0.1:" + server.port();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> store.records() == 3);

                HttpResponse<String> metrics = get(base + "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(value(metrics.body(), "tralign_evaluator_win_rate_records_total")).isEqualTo(3.0);
                assertThat(value(metrics.body(), "tralign_evaluator_runs")).isEqualTo(2.0);
                assertThat(value(metrics.body(), "tralign_evaluator_latest_win_rate\\{run=\"dpo\"\\}")).isEqualTo(61.0);
                assertThat(value(metrics.body(), "tralign_evaluator_latest_win_rate\\{run=\"tr-dpo\"\\}"))
                        .isEqualTo(58.5);
                assertThat(value(metrics.body(), "tralign_evaluator_latest_step\\{run=\"dpo\"\\}")).isEqualTo(200.0);

                assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
                feed.close();
                assertThat(get(base + "/healthz").statusCode()).isEqualTo(503);
            } finally {
                feed.close();
            }
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as(series + " in\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
