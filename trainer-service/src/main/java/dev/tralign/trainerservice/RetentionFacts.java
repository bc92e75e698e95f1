package dev.tralign.trainerservice;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.schemas.avro.WinRate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What checkpoint retention needs to know about one run from the evaluator's topics (read_committed, no consumer
 * group: the trainer only looks): the latest win rate of each fully judged step ({@code <prefix>win-rates}, for the
 * "best" and "not judged yet" rules) and the steps that are their family's current champion
 * ({@code <prefix>promotions}: {@code export --champion} and the online loop read those, so they are kept). One
 * consumer kept open for the run over both topics, so each read only polls what arrived since the last; a topic that
 * does not exist yet (no evaluator ever ran) reads as nothing.
 *
 * <p>A WinRate record is updated as a checkpoint's judgments arrive, shard by shard from several evaluator workers, so
 * its first record does not mean every worker has read the checkpoint. A step counts as judged once its record
 * covers as many prompts ({@code nTotal}) as the run's most-judged step: every checkpoint of a run is judged on the
 * same fixed prompt set, so a step below that count still has workers that may need its checkpoint.
 */
final class RetentionFacts implements AutoCloseable {

    /**
     * @param judged step -> win rate (percent) of every step of the run judged on all its prompts so far
     * @param champions steps of the run that are the latest promotion of some family
     */
    record Facts(Map<Long, Double> judged, Set<Long> champions) {
    }


    private static final Logger LOG = LoggerFactory.getLogger(RetentionFacts.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** A read gives up (keeping what it has) after this long: retention then waits for the next checkpoint. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Topic<String, WinRate> topic;
    private final Topic<String, ModelPromotion> promotions;
    private final String runId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<Long, WinRate> latest = new HashMap<>();
    /** Each family's latest promotion, whatever its run. */
    private final Map<String, ModelPromotion> champions = new HashMap<>();

    RetentionFacts(Map<String, Object> kafkaSettings, Topic<String, WinRate> topic,
            Topic<String, ModelPromotion> promotions, String runId) {
        this.topic = topic;
        this.promotions = promotions;
        this.runId = runId;
        Properties p = new Properties();
        p.putAll(kafkaSettings);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The run's judged steps and champions as far as the topics have them now. */
    Facts read() {
        try {
            assignNewPartitions();
            if (consumer.assignment().isEmpty()) {
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
            LOG.warn("run {}: could not read {} to its end for checkpoint retention (deciding on what was read before): {}",
                    runId, topic.name(), e.getMessage());
        }
        return complete();
    }

    private Facts complete() {
        Set<Long> championSteps = new TreeSet<>();
        champions.values().stream().filter(p -> runId.equals(p.getRunId())).forEach(p -> championSteps.add(p.getStep()));
        return new Facts(judged(), championSteps);
    }

    private Map<Long, Double> judged() {
        long prompts = latest.values().stream().mapToLong(WinRate::getNTotal).max().orElse(0);
        Map<Long, Double> out = new HashMap<>();
        latest.forEach((step, rate) -> {
            if (rate.getNTotal() == prompts) {
                out.put(step, rate.getWinRate());
            }
        });
        return out;
    }

    /**
     * Adds the partitions of both topics not read yet (either topic may appear after the run started: the evaluator
     * creates them), each read from its beginning.
     */
    private void assignNewPartitions() {
        Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
        List<TopicPartition> added = new ArrayList<>();
        for (String name : List.of(topic.name(), promotions.name())) {
            for (PartitionInfo info : consumer.partitionsFor(name)) {
                TopicPartition partition = new TopicPartition(info.topic(), info.partition());
                if (assigned.add(partition)) {
                    added.add(partition);
                }
            }
        }
        if (!added.isEmpty()) {
            consumer.assign(assigned);
            consumer.seekToBeginning(added);
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            if (r.topic().equals(promotions.name())) {
                ModelPromotion p = promotions.valueSerde().deserializer().deserialize(r.topic(), r.value());
                champions.put(p.getFamily(), p);
                return;
            }
            WinRate rate = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
            if (runId.equals(rate.getRunId())) {
                latest.put(rate.getStep(), rate);
            }
        } catch (RuntimeException e) {
            // Not a WinRate or ModelPromotion: the evaluator dead-letters such input; retention just ignores it.
            LOG.debug("skipping an unreadable record on {}: {}", r.topic(), e.getMessage());
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
