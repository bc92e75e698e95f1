package dev.tralign.trainerservice;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.avro.WinRate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest win rate of each fully judged step of one run, read from {@code <prefix>win-rates} (read_committed, no
 * consumer group: the trainer only looks) for checkpoint retention's "best" and "not judged yet" rules. One
 * consumer kept open for the run, so each read only polls what arrived since the last; a topic that does not exist
 * yet (no evaluator ever ran) reads as no win rates.
 *
 * <p>A WinRate record is updated as a checkpoint's judgments arrive, shard by shard from several evaluator workers, so
 * its first record does not mean every worker has read the checkpoint. A step counts as judged once its record
 * covers as many prompts ({@code nTotal}) as the run's most-judged step: every checkpoint of a run is judged on the
 * same fixed prompt set, so a step below that count still has workers that may need its checkpoint.
 */
final class CommittedWinRates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommittedWinRates.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** A read gives up (keeping what it has) after this long: retention then waits for the next checkpoint. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Topic<String, WinRate> topic;
    private final String runId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<Long, WinRate> latest = new HashMap<>();
    private boolean assigned;

    CommittedWinRates(Map<String, Object> kafkaSettings, Topic<String, WinRate> topic, String runId) {
        this.topic = topic;
        this.runId = runId;
        Properties p = new Properties();
        p.putAll(kafkaSettings);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Step -> win rate (percent) of every step of the run judged on all its prompts so far. */
    Map<Long, Double> read() {
        try {
            if (!assigned && !assign()) {
                return complete();
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!reached(end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    take(r);
                }
            }
        } catch (KafkaException e) {
            LOG.warn("run {}: could not read {} for checkpoint retention (keeping every checkpoint this time): {}",
                    runId, topic.name(), e.getMessage());
        }
        return complete();
    }

    private Map<Long, Double> complete() {
        long prompts = latest.values().stream().mapToLong(WinRate::getNTotal).max().orElse(0);
        Map<Long, Double> out = new HashMap<>();
        latest.forEach((step, rate) -> {
            if (rate.getNTotal() == prompts) {
                out.put(step, rate.getWinRate());
            }
        });
        return out;
    }

    private boolean assign() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        if (partitions.isEmpty()) {
            return false;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        assigned = true;
        return true;
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            WinRate rate = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
            if (runId.equals(rate.getRunId())) {
                latest.put(rate.getStep(), rate);
            }
        } catch (RuntimeException e) {
            // Not a WinRate: the evaluator's topology dead-letters such input; retention just ignores it.
            LOG.debug("skipping an unreadable record on {}: {}", topic.name(), e.getMessage());
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
