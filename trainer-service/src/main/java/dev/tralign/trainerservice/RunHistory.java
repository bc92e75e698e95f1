package dev.tralign.trainerservice;

import dev.tralign.schemas.CommittedEnd;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.StepLedger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what a run committed: its checkpoint events (read_committed, so events of aborted transactions never
 * show) and its ledger entries, in topic order.
 */
public final class RunHistory {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** How long a read waits for commit markers still being written ({@link CommittedEnd}). */
    private static final Duration MARKER_WAIT = Duration.ofSeconds(3);

    private RunHistory() {
    }

    /** Every committed checkpoint event of {@code runId}, oldest first. */
    public static List<CheckpointEvent> checkpoints(Map<String, Object> kafkaSettings,
            Topic<String, CheckpointEvent> topic, String runId) {
        return keyed(kafkaSettings, topic, runId);
    }

    /** Every committed record of {@code topic} under {@code key}, oldest first (e.g. a family's promotions). */
    public static <V> List<V> keyed(Map<String, Object> kafkaSettings, Topic<String, V> topic, String key) {
        List<V> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(kafkaSettings, topic.name())) {
            String k = topic.keySerde().deserializer().deserialize(topic.name(), r.key());
            if (key.equals(k)) {
                out.add(topic.valueSerde().deserializer().deserialize(topic.name(), r.value()));
            }
        }
        return out;
    }

    /**
     * Every committed ledger entry of {@code runId}, oldest first: Avro {@code StepLedger} records, and the
     * tab-separated text lines that ledgers written before that schema hold ({@link LedgerEntry#parse}).
     */
    public static List<LedgerEntry> ledger(Map<String, Object> kafkaSettings, Topic<String, StepLedger> ledgerTopic,
            String runId) {
        List<LedgerEntry> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(kafkaSettings, ledgerTopic.name())) {
            if (r.key() != null && runId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                out.add(LedgerEntry.decode(r.value(),
                        bytes -> ledgerTopic.valueSerde().deserializer().deserialize(ledgerTopic.name(), bytes)));
            }
        }
        return out;
    }

    /** All committed records of a topic (single- or multi-partition, in partition then offset order). */
    static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> kafkaSettings, String topic) {
        Properties p = new Properties();
        p.putAll(kafkaSettings);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Waits for commit markers still being written (see CommittedEnd).
            Map<TopicPartition, Long> end = CommittedEnd.settled(consumer, kafkaSettings, partitions, MARKER_WAIT);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            List<List<ConsumerRecord<byte[], byte[]>>> byPartition = new ArrayList<>();
            partitions.forEach(tp -> byPartition.add(new ArrayList<>()));
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + DEADLINE
                            + ": is the broker reachable?");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    byPartition.get(partitions.indexOf(new TopicPartition(r.topic(), r.partition()))).add(r);
                }
            }
            byPartition.forEach(out::addAll);
        }
        return out;
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
