package dev.tralign.ingest.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the committed import progress (read_committed, so a crashed import's open transaction is invisible)
 * from the compacted progress topic, keyed by file sha256.
 */
public final class ImportProgressStore {

    private final Map<String, Object> clientSettings;
    private final String topic;

    /** @param topic the compacted progress topic */
    public ImportProgressStore(String bootstrapServers, String topic) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /**
     * @param clientSettings Kafka client settings (bootstrap.servers and any security settings) for the consumer
     * @param topic the compacted progress topic
     */
    public ImportProgressStore(Map<String, Object> clientSettings, String topic) {
        this.clientSettings = Map.copyOf(clientSettings);
        this.topic = topic;
    }

    /** The latest committed progress of a file, if any. */
    public Optional<ImportProgress> find(String fileSha256) {
        return Optional.ofNullable(readAll().get(fileSha256));
    }

    /** Latest committed progress per file sha256. */
    public Map<String, ImportProgress> readAll() {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, ImportProgress> latest = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read import progress from " + topic + " within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && record.value() != null) {
                        latest.put(new String(record.key(), StandardCharsets.UTF_8),
                                ImportProgress.fromJson(record.value()));
                    }
                }
            }
        }
        return latest;
    }
}
