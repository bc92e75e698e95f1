package dev.tralign.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.evaluator.report.RunSeries;
import dev.tralign.evaluator.stream.WinRateTopology;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole evaluator read path on a real KRaft broker and registry: evaluation records produced as Avro,
 * the win-rate topology in a real KafkaStreams (exactly-once), the feed consuming tralign.win-rates and the
 * dashboard API serving the result.
 */
@ExtendWith(EmbeddedStackExtension.class)
class WinRatePipelineIT {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final EmbeddedStack stack;
    private final ObjectMapper mapper = new ObjectMapper();

    WinRatePipelineIT(EmbeddedStack stack) {
        this.stack = stack;
    }

    private static Judgment judgment(String prompt, double preference) {
        return Judgment.newBuilder().setRunId("run-1").setStep(100).setPromptId(prompt).setJudge("gold")
                .setCandidate("c-" + prompt).setBaseline("b-" + prompt).setPreference(preference)
                .setCandidateScore(null).setBaselineScore(null).setRatings(Map.of()).setAt(T0).build();
    }

    private static Judgment evaluated(String prompt, double preference, double lpPolicy, double lpSft, int tokens) {
        Judgment judgment = judgment(prompt, preference);
        judgment.setLogProbPolicy(lpPolicy);
        judgment.setLogProbSft(lpSft);
        judgment.setCandidateTokens(tokens);
        return judgment;
    }

    @Test
    void judgmentsBecomeWinRatesOnTheDashboard() throws Exception {
        try (Topics topics = Topics.create("pipeline-it.", Map.of("schema.registry.url", stack.registryUrl()))) {
            stack.createTopics(topics);
            Path stateDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "streams-");
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "pipeline-it-evaluator");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
            WinRateStore store = new WinRateStore();
            try (KafkaStreams streams = new KafkaStreams(WinRateTopology.topology(topics), props);
                    TopicFeed<WinRate> feed = TopicFeed.start(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            stack.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                            topics.winRates(), store::put);
                    DashboardServer dashboard = DashboardServer.start("127.0.0.1", 0, store)) {
                streams.start();
                produce(topics);

                HttpClient http = HttpClient.newHttpClient();
                URI uri = URI.create("http://127.0.0.1:" + dashboard.port() + "/api/runs/run-1/win-rates");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    HttpResponse<String> response =
                            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                    JsonNode latest = mapper.readTree(response.body()).get(0);
                    // p1 re-judged from 2 to 1: three prompts counted once each, x = 0, 0, 0.5.
                    assertThat(latest.get("nTotal").asLong()).isEqualTo(3);
                    assertThat(latest.get("winRate").asDouble()).isCloseTo(100.0 / 6, within(1e-9));
                    assertThat(latest.get("klToSft").isNull()).isFalse();
                    assertThat(latest.get("klToSft").asDouble()).isCloseTo(2.0, within(1e-9));
                    assertThat(latest.get("klToSftPerToken").asDouble()).isCloseTo(0.4, within(1e-9));
                });
                assertThat(feed.failure()).isNull();
                assertThat(feed.isRunning()).isTrue();

                // What `tralign report` reads: the topic from start to end, latest per (run, step) last.
                List<WinRate> snapshot = WinRateSnapshot.readAll(
                        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                        topics.winRates(), Duration.ofSeconds(30));
                assertThat(snapshot).isNotEmpty();
                List<RunSeries> series = RunSeries.fromWinRates(snapshot);
                assertThat(series).hasSize(1);
                assertThat(series.get(0).points().get(0).nTotal()).isEqualTo(3);
            }
        }
    }

    private void produce(Topics topics) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, Judgment> judgments = new KafkaProducer<>(config,
                topics.judgments().keySerde().serializer(), topics.judgments().valueSerde().serializer())) {
            String judgmentTopic = topics.judgments().name();
            judgments.send(new ProducerRecord<>(judgmentTopic, "run-1", evaluated("p1", 2.0, -10, -13, 4))).get();
            judgments.send(new ProducerRecord<>(judgmentTopic, "run-1", evaluated("p2", 1.0, -20, -21, 6))).get();
            // Without log-probs (as an imported annotation): a verdict, no KL sample.
            judgments.send(new ProducerRecord<>(judgmentTopic, "run-1", judgment("p3", 1.5))).get();
            judgments.send(new ProducerRecord<>(judgmentTopic, "run-1", evaluated("p1", 1.0, -10, -13, 4))).get();
        }
    }

    @Test
    void feedSkipsUndecodableRecords() throws Exception {
        try (Topics topics = Topics.create("poison-it.", Map.of("schema.registry.url", stack.registryUrl()))) {
            stack.createTopics(topics);
            String topic = topics.winRates().name();
            try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
                    KafkaProducer<String, WinRate> good = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                            topics.winRates().keySerde().serializer(), topics.winRates().valueSerde().serializer())) {
                raw.send(new ProducerRecord<>(topic, 0, "bad", "not avro at all".getBytes())).get();
                good.send(new ProducerRecord<>(topic, 0, "ok/1", TestWinRates.of("ok", 1, 70.0, null))).get();
            }
            WinRateStore store = new WinRateStore();
            try (TopicFeed<WinRate> feed = TopicFeed.start(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), topics.winRates(),
                    store::put)) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> store.series("ok").isPresent());
                assertThat(store.series("ok").orElseThrow().get(0).getWinRate()).isEqualTo(70.0);
                assertThat(feed.failure()).isNull();
            }
            List<WinRate> snapshot = WinRateSnapshot.readAll(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), topics.winRates(),
                    Duration.ofSeconds(30));
            assertThat(snapshot).extracting(WinRate::getRunId).containsExactly("ok");
        }
    }
}
