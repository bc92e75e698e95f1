package dev.tralign.evaluator.dashboard;

import dev.tralign.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topic (tralign.win-rates, tralign.judgments) from the beginning to its current end, once: what
 * {@code tralign report} needs.
 * No consumer group. Undecodable records are logged and skipped.
 */
public final class WinRateSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(WinRateSnapshot.class);

    private WinRateSnapshot() {
    }

    /**
     * Every record now on the topic, in partition order.
     *
     * @param consumerConfig consumer settings, bootstrap.servers required (group.id is ignored)
     * @param topic the topic (tralign.win-rates for reports)
     * @param timeout how long to wait for the topic and its records
     * @throws IllegalStateException if the topic does not exist or the end is not reached in time
     */
    public static <V> List<V> readAll(Map<String, Object> consumerConfig, Topic<String, V> topic,
            Duration timeout) {
        List<V> records = new ArrayList<>();
        readEach(consumerConfig, topic, timeout, records::add);
        return records;
    }

    /**
     * Hands every record now on the topic to {@code sink}, in partition order, without keeping them (the
     * report reads tralign.judgments this way: a compact view per record, not the completions' text).
     */
    public static <V> void readEach(Map<String, Object> consumerConfig, Topic<String, V> topic, Duration timeout,
            Consumer<V> sink) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic.name() + " does not exist; has the evaluator run? "
                        + "(check the topic prefix and bootstrap.servers)");
            }
            List<TopicPartition> partitions =
                    infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name() + " to its end within " + timeout
                            + "; raise the timeout or check the broker");
                }
                try {
                    for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.value() != null) {
                            sink.accept(record.value());
                        }
                    }
                } catch (RecordDeserializationException poison) {
                    LOG.warn("skipping undecodable record at {} offset {}", poison.topicPartition(), poison.offset());
                    consumer.seek(poison.topicPartition(), poison.offset() + 1);
                }
            }
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
