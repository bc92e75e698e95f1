package dev.tralign.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.ingest.file.FileImporter;
import dev.tralign.ingest.file.ImportSummary;
import dev.tralign.ingest.http.HttpIngestConfig;
import dev.tralign.ingest.http.IngestHttpServer;
import dev.tralign.ingest.parse.Format;
import dev.tralign.schemas.CommittedEnd;
import dev.tralign.schemas.Topics;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.LedgerEntry;
import dev.tralign.trainerservice.RunHistory;
import dev.tralign.trainerservice.RunSummary;
import dev.tralign.trainerservice.TrainerService;
import dev.tralign.trainerservice.config.RunConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #4's promise end to end: the same pair sent in two HTTP requests and in a file, and the file imported again,
 * yields ONE training record. Ingest publishes the copies under one key (the content id); the trainer trains the
 * key once (input.dedupe).
 */
@ExtendWith(EmbeddedStackExtension.class)
class SamePairTwiceIT {

    private static final String PAIR = "{\"prompt\": \"Say hi\", \"chosen\": \"Hi there!\", \"rejected\": \"Go away.\"}";
    private static final String OTHER = "{\"prompt\": \"Say bye\", \"chosen\": \"Bye, take care.\", \"rejected\": \"No.\"}";

    @Test
    void aPairFromTwoRequestsAndAFileImportedTwiceTrainsOnce(EmbeddedStack stack) throws Exception {
        Topics topics = Topics.create(stack.registryUrl());
        stack.createTopics(topics, 2);
        HttpClient http = HttpClient.newHttpClient();
        try (IngestHttpServer server = IngestHttpServer.start(HttpIngestConfig.local(0, null),
                stack.bootstrapServers(), topics)) {
            for (int request = 0; request < 2; request++) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/preferences"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(PAIR)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            }
        }
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "twice");
        Path file = dir.resolve("feedback.jsonl");
        Files.writeString(file, PAIR + "\n" + OTHER + "\n", StandardCharsets.UTF_8);
        ImportSummary first = FileImporter.run(stack.bootstrapServers(), stack.registryUrl(), List.of(file),
                Format.AUTO);
        assertThat(first.accepted()).isEqualTo(2);
        ImportSummary again = FileImporter.run(stack.bootstrapServers(), stack.registryUrl(), List.of(file),
                Format.AUTO);
        assertThat(again.published()).as("a re-run of the same file publishes nothing new").isZero();

        // On the topic: the pair three times under one key, the other pair once.
        Map<String, Integer> copies = keysOn(stack, topics.preferences().name());
        assertThat(copies.values()).containsExactlyInAnyOrder(3, 1);

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("run.id", "twice");
        settings.put("bootstrap.servers", stack.bootstrapServers());
        settings.put("schema.registry.url", stack.registryUrl());
        settings.put("checkpoint.dir", dir.resolve("ckpt").toString());
        settings.put("model.init", "fresh");
        settings.put("model.embed", "16");
        settings.put("model.layers", "1");
        settings.put("model.heads", "2");
        settings.put("model.max_seq_len", "48");
        settings.put("batch_size", "1");
        RunSummary summary;
        try (TrainerService trainer = new TrainerService(RunConfig.of(settings))) {
            summary = trainer.run();
        }
        List<String> trained = new ArrayList<>();
        RunHistory.ledger(Map.of("bootstrap.servers", stack.bootstrapServers()), topics.trainerLedger(), "twice")
                .forEach(e -> trained.addAll(e.ids()));
        assertThat(trained).as("each distinct pair trains once").hasSize(2).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(copies.keySet());
        assertThat(summary.steps()).isEqualTo(2);
        topics.close();
    }

    private static Map<String, Integer> keysOn(EmbeddedStack stack, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("isolation.level", "read_committed");
        Map<String, Integer> copies = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = CommittedEnd.settled(consumer,
                    Map.of("bootstrap.servers", stack.bootstrapServers()), partitions, java.time.Duration.ofSeconds(5));
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("read %s to its end within 60 s", topic).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofMillis(200))) {
                    copies.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
            }
        }
        return copies;
    }
}
