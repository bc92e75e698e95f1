package dev.tralign.trainerservice;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.GuardVerdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's guard policy over tralign.alerts and tralign.guard-verdicts (committed records only, no consumer group,
 * from the beginning, so a restarted trainer sees what it saw before). At each checkpoint it answers with the first
 * alert of this run whose kind's policy is {@code stop}.
 *
 * <p>First it waits (bounded by guard.verdict_timeout, {@link VerdictWait}) until the guard's verdicts cover the
 * run's previous checkpoint P: for a stop policy on a checkpoint signature ({@link #CHECKPOINT_KINDS}) the
 * checkpoint watermark reaching P, for one on a training-metric signature the metrics watermark reaching the last
 * train-metrics step committed with P. Then it reads the alerts up to their end: the guard commits alerts no later
 * than the verdict covering them, so an alert about checkpoint (or training step) N stops the run at the second
 * checkpoint decision after N was committed, whatever the evaluator's lag. The evaluator is a separate process;
 * these topics are how the trainer learns of its verdicts. A record that does not decode is skipped with a warning.
 */
final class AlertWatch implements GuardSignal.Watch {

    /** The kinds the guard decides per checkpoint, covered by the verdicts' checkpoint watermark. */
    static final Set<String> CHECKPOINT_KINDS = Set.of(AlertKind.KL_BUDGET.name(), AlertKind.KL_OSCILLATION.name(),
            AlertKind.REFERENCE_UPDATE_DROP.name());

    private static final Logger LOG = LoggerFactory.getLogger(AlertWatch.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CATCH_UP = Duration.ofSeconds(10);
    /** How often topics that did not exist yet are looked up again. */
    private static final Duration TOPIC_RECHECK = Duration.ofSeconds(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topic<String, Alert> alerts;
    private final Topic<String, GuardVerdict> verdicts;
    private final String runId;
    private final byte[] runKey;
    private final Set<String> stopKinds;
    private final VerdictWait wait;
    /** A stop policy on a checkpoint signature: wait for the checkpoint watermark. */
    private final boolean waitsForCheckpoints;
    /** A stop policy on a training-metric signature: wait for the metrics watermark. */
    private final boolean waitsForMetrics;
    /** metrics.every_steps: which steps have a train-metrics record. */
    private final int metricsEvery;
    /**
     * The step the run resumed from (0 for a fresh one): its metrics were written by an earlier session, perhaps with
     * another metrics.every_steps (a placement key), so they are not awaited.
     */
    private final long resumedFrom;
    private final Set<String> assignedTopics = new HashSet<>();
    private long lastTopicCheck;
    private String reason;
    /** Time spent waiting for verdicts and how many checkpoints waited: the run's cost of the guard, logged at close. */
    private long waitedNanos;
    private int waits;
    private long checkpointsThrough = -1;
    private long metricsThrough = -1;

    AlertWatch(Map<String, Object> kafka, Topic<String, Alert> alerts, Topic<String, GuardVerdict> verdicts,
            String runId, Set<String> stopKinds, Duration verdictTimeout, int metricsEvery, long resumedFrom) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.alerts = alerts;
        this.verdicts = verdicts;
        this.runId = runId;
        // Keys are run ids (String serde: UTF-8), so other runs' records are passed over without decoding them.
        this.runKey = runId.getBytes(StandardCharsets.UTF_8);
        this.stopKinds = Set.copyOf(stopKinds);
        this.waitsForCheckpoints = stopKinds.stream().anyMatch(CHECKPOINT_KINDS::contains);
        this.waitsForMetrics = stopKinds.stream().anyMatch(k -> !CHECKPOINT_KINDS.contains(k));
        this.metricsEvery = metricsEvery;
        this.resumedFrom = resumedFrom;
        this.wait = new VerdictWait(runId, verdictTimeout, System::nanoTime, LOG::info);
        this.lastTopicCheck = System.nanoTime() - TOPIC_RECHECK.toNanos();
    }

    @Override
    public GuardSignal.Decision at(long step, long previousCheckpoint, BooleanSupplier stopping) {
        if (reason == null && previousCheckpoint > 0) {
            long started = System.nanoTime();
            VerdictWait.Outcome outcome = wait.await(previousCheckpoint, feed(), stopping);
            waitedNanos += System.nanoTime() - started;
            waits++;
            if (outcome == VerdictWait.Outcome.TIMED_OUT) {
                return GuardSignal.Decision.undecided("no verdict of the evaluator's guard on step "
                        + previousCheckpoint + " within guard.verdict_timeout=" + wait.timeout().toSeconds()
                        + " s (is the evaluator running, with the guard, on " + verdicts.name() + "?)");
            }
            if (outcome == VerdictWait.Outcome.ABANDONED) {
                return GuardSignal.Decision.undecided("asked to stop while waiting for the guard's verdict on step "
                        + previousCheckpoint);
            }
        }
        if (reason == null) {
            readToEnd();
        }
        return reason == null ? GuardSignal.Decision.GO_ON : GuardSignal.Decision.stop(reason);
    }

    private VerdictWait.Feed feed() {
        return new VerdictWait.Feed() {
            @Override
            public void poll(Duration max) {
                pollOnce(max);
            }

            @Override
            public boolean covers(long step) {
                return covered(step);
            }
        };
    }

    /**
     * Whether the verdicts cover checkpoint {@code step}: its checkpoint signatures, and the training-metric
     * signatures of the last train-metrics record committed with it (none when no step up to it had one).
     */
    private boolean covered(long step) {
        long lastMetrics = step - step % metricsEvery;
        return (!waitsForCheckpoints || checkpointsThrough >= step)
                && (!waitsForMetrics || lastMetrics <= resumedFrom || metricsThrough >= lastMetrics);
    }

    /**
     * Reads both topics up to their end offsets of this moment (bounded by a deadline: the trainer must not hang on
     * it). Under read_committed an end offset is the last stable one, so every alert committed with or before a
     * verdict already seen is read.
     */
    private void readToEnd() {
        assignNewTopics(true);
        if (assignedTopics.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (reason == null && behind(end) && System.nanoTime() < deadline) {
            pollOnce(POLL);
        }
    }

    private void pollOnce(Duration max) {
        assignNewTopics(false);
        if (assignedTopics.isEmpty()) {
            // Neither topic exists yet (the evaluator has not started): nothing to poll, wait the poll's time.
            try {
                Thread.sleep(max.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(max)) {
            if (record.key() == null || !java.util.Arrays.equals(runKey, record.key()) || record.value() == null) {
                continue;
            }
            try {
                if (record.topic().equals(verdicts.name())) {
                    GuardVerdict v = verdicts.valueSerde().deserializer().deserialize(record.topic(), record.value());
                    if (runId.equals(v.getRunId())) {
                        checkpointsThrough = Math.max(checkpointsThrough, v.getStep());
                        metricsThrough = Math.max(metricsThrough, v.getMetricsStep());
                    }
                } else {
                    take(alerts.valueSerde().deserializer().deserialize(record.topic(), record.value()));
                }
            } catch (SerializationException e) {
                LOG.warn("run {}: skipping a record on {} that does not decode ({}-{}@{}): {}", runId, record.topic(),
                        record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }
    }

    private void take(Alert alert) {
        if (alert == null || reason != null || !runId.equals(alert.getRunId())
                || !stopKinds.contains(alert.getKind().name())) {
            return;
        }
        reason = alert.getKind() + " at step " + alert.getStep() + ": " + alert.getMessage();
        LOG.warn("run {}: guard policy stop on {}; the run ends at this checkpoint", runId, reason);
    }

    private boolean behind(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds the partitions of the two topics that exist now and were not assigned yet (read from their beginning);
     * a missing topic is looked up again at most every {@link #TOPIC_RECHECK} unless {@code now}.
     */
    private void assignNewTopics(boolean now) {
        if (assignedTopics.size() == 2) {
            return;
        }
        long clock = System.nanoTime();
        if (!now && clock - lastTopicCheck < TOPIC_RECHECK.toNanos()) {
            return;
        }
        lastTopicCheck = clock;
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : List.of(alerts.name(), verdicts.name())) {
            if (assignedTopics.contains(topic)) {
                continue;
            }
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions != null && !partitions.isEmpty()) {
                partitions.forEach(p -> added.add(new TopicPartition(topic, p.partition())));
                assignedTopics.add(topic);
            }
        }
        if (!added.isEmpty()) {
            List<TopicPartition> all = new ArrayList<>(consumer.assignment());
            all.addAll(added);
            consumer.assign(all);
            consumer.seekToBeginning(added);
        }
    }

    @Override
    public void close() {
        if (waits > 0) {
            LOG.info("run {}: waited {} s in all for the guard's verdicts at {} checkpoint(s)", runId,
                    String.format("%.2f", waitedNanos / 1e9), waits);
        }
        consumer.close();
    }
}
