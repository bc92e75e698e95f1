package dev.tralign.trainerservice;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.avro.Alert;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's guard policy over tralign.alerts: at each checkpoint it reads what the topic holds so far (committed
 * records only, no consumer group, from the beginning, so a restarted trainer sees alerts it saw before) and answers
 * with the first alert of this run whose kind's policy is {@code stop}. The evaluator is a separate process; this is
 * how the trainer learns of its verdicts. A record that is not an Alert is skipped with a warning.
 */
final class AlertWatch implements GuardSignal.Watch {

    private static final Logger LOG = LoggerFactory.getLogger(AlertWatch.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final KafkaConsumer<String, Alert> consumer;
    private final String topic;
    private final String runId;
    private final Set<String> stopKinds;
    private boolean assigned;
    private String reason;

    AlertWatch(Map<String, Object> kafka, Topic<String, Alert> alerts, String runId, Set<String> stopKinds) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config, alerts.keySerde().deserializer(),
                alerts.valueSerde().deserializer());
        this.topic = alerts.name();
        this.runId = runId;
        this.stopKinds = Set.copyOf(stopKinds);
    }

    @Override
    public Optional<String> stopReason(long step) {
        if (reason == null) {
            readToEnd();
        }
        return Optional.ofNullable(reason);
    }

    /** Reads up to the end offsets of this moment (bounded by a deadline: the trainer must not hang on it). */
    private void readToEnd() {
        if (!assigned && !assign()) {
            return;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (reason == null && behind(end) && System.nanoTime() < deadline) {
            try {
                for (ConsumerRecord<String, Alert> record : consumer.poll(POLL)) {
                    take(record.value());
                }
            } catch (RecordDeserializationException e) {
                LOG.warn("run {}: skipping a record on {} that is not an Alert ({}@{}): {}", runId, topic,
                        e.topicPartition(), e.offset(), e.getMessage());
                consumer.seek(e.topicPartition(), e.offset() + 1);
            }
        }
    }

    private void take(Alert alert) {
        if (alert == null || reason != null || !runId.equals(alert.getRunId())
                || !stopKinds.contains(alert.getKind().name())) {
            return;
        }
        reason = alert.getKind() + " at step " + alert.getStep() + ": " + alert.getMessage();
        LOG.warn("run {}: guard policy stop on {}; the run ends at its next checkpoint", runId, reason);
    }

    private boolean behind(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return true;
            }
        }
        return false;
    }

    private boolean assign() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            return false;
        }
        List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(all);
        consumer.seekToBeginning(all);
        assigned = true;
        return true;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
