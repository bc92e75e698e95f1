package dev.tralign.trainerservice.source;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Input records from a read_committed consumer with manual partition assignment. Bounded: the captured
 * {@link OffsetRange}, merged across partitions by {@link OffsetMerge}, {@code epochs} times. Streaming: records
 * in arrival order (each step's records are written to the run's ledger, so a replay can rebuild the batches).
 * With a {@link MixPlan} over several topics (input.mix) each topic is merged on its own and the plan says which
 * topic gives the next record; in streaming mode the source then waits for the topic that is due. The consumer is
 * borrowed: the caller closes it.
 */
public final class KafkaRecordSource implements RecordSource {

    /** Partitions holding this many undelivered records are paused, so memory stays bounded. */
    private static final int MAX_BUFFERED = 2_000;
    private static final Duration POLL_SLICE = Duration.ofMillis(100);

    private final Consumer<byte[], byte[]> consumer;
    private final OffsetRange range;
    private final int epochs;
    private final MixPlan plan;
    private final List<Set<TopicPartition>> groups = new ArrayList<>();
    private final List<OffsetMerge> merges = new ArrayList<>();
    private final List<Deque<InputRecord>> arrived = new ArrayList<>();
    private final Map<String, Integer> groupOfTopic = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private int epoch;
    private boolean exhausted;

    private KafkaRecordSource(Consumer<byte[], byte[]> consumer, OffsetRange range, int epochs, int epoch,
            Map<TopicPartition, Long> startAt, MixPlan plan) {
        this.consumer = consumer;
        this.range = range;
        this.epochs = epochs;
        this.epoch = epoch;
        this.plan = plan;
        for (int g = 0; g < plan.topics().size(); g++) {
            groups.add(new HashSet<>());
            arrived.add(new ArrayDeque<>());
            groupOfTopic.put(plan.topics().get(g), g);
        }
        for (TopicPartition tp : startAt.keySet()) {
            // Without a mix, one group holds every partition: the single merge order of OffsetMerge.
            groups.get(groupIndex(tp.topic())).add(tp);
        }
        if (range != null) {
            groups.forEach(g -> merges.add(new OffsetMerge(g)));
        }
        consumer.assign(new ArrayList<>(startAt.keySet()));
        startAt.forEach(consumer::seek);
        positions.putAll(startAt);
    }

    /**
     * Reads {@code range} {@code epochs} times, starting in {@code epoch} at {@code positions} (the range's start
     * for a new run, a checkpoint's offsets on resume).
     */
    public static KafkaRecordSource bounded(Consumer<byte[], byte[]> consumer, OffsetRange range, int epochs,
            int epoch, Map<TopicPartition, Long> positions) {
        return bounded(consumer, range, epochs, epoch, positions, MixPlan.single("all"));
    }

    /**
     * As {@link #bounded(Consumer, OffsetRange, int, int, Map)}, mixing the topics of {@code plan} (its counts
     * restored from the checkpoint on resume; a one-topic plan merges every partition as one group).
     */
    public static KafkaRecordSource bounded(Consumer<byte[], byte[]> consumer, OffsetRange range, int epochs,
            int epoch, Map<TopicPartition, Long> positions, MixPlan plan) {
        return new KafkaRecordSource(consumer, range, epochs, epoch, positions, plan);
    }

    /** Reads everything from {@code positions} on, as it arrives. */
    public static KafkaRecordSource streaming(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> positions) {
        return streaming(consumer, positions, MixPlan.single("all"));
    }

    /** As {@link #streaming(Consumer, Map)}, handing out records in the order of {@code plan}'s topics. */
    public static KafkaRecordSource streaming(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> positions,
            MixPlan plan) {
        return new KafkaRecordSource(consumer, null, 1, 0, positions, plan);
    }



    @Override
    public Optional<InputRecord> next(Duration maxWait) {
        return range == null ? nextArrived(maxWait) : nextInRange(maxWait);
    }

    private Optional<InputRecord> nextArrived(Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        boolean[] open = new boolean[groups.size()];
        Arrays.fill(open, true);
        int due = plan.due(open);
        while (arrived.get(due).isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            List<TopicPartition> pause = new ArrayList<>();
            List<TopicPartition> resume = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                // Bounded memory while the due topic is quiet: the others stop fetching once well ahead.
                (arrived.get(g).size() >= MAX_BUFFERED ? pause : resume).addAll(groups.get(g));
            }
            consumer.pause(pause);
            consumer.resume(resume);
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(left));
            records.forEach(r -> arrived.get(groupIndex(r.topic())).addLast(toInput(r)));
        }
        plan.took(due);
        return Optional.of(handOut(arrived.get(due).removeFirst()));
    }

    private int groupIndex(String topic) {
        if (plan.topics().size() == 1) {
            return 0;
        }
        Integer g = groupOfTopic.get(topic);
        if (g == null) {
            throw new IllegalArgumentException("topic " + topic + " is not one of the mixed topics " + plan.topics());
        }
        return g;
    }

    private Optional<InputRecord> nextInRange(Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!exhausted) {
            Set<TopicPartition> drained = fetchedToEnd();
            int due = plan.due(open(drained));
            if (due >= 0) {
                Optional<InputRecord> next = merges.get(due).poll(drained);
                if (next.isPresent()) {
                    plan.took(due);
                    return Optional.of(handOut(next.get()));
                }
            } else {
                if (epoch + 1 < epochs) {
                    startEpoch(epoch + 1);
                } else {
                    exhausted = true;
                }
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            fetch(drained, Duration.ofNanos(Math.min(left, POLL_SLICE.toNanos())));
        }
        return Optional.empty();
    }

    /** Per group: true while it may still give a record in this epoch (unread offsets or buffered records). */
    private boolean[] open(Set<TopicPartition> drained) {
        boolean[] open = new boolean[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            for (TopicPartition tp : groups.get(g)) {
                open[g] |= !drained.contains(tp) || merges.get(g).buffered(tp) > 0;
            }
        }
        return open;
    }

    private void startEpoch(int next) {
        epoch = next;
        plan.reset();
        merges.forEach(OffsetMerge::clear);
        range.start().forEach(consumer::seek);
        positions.clear();
        positions.putAll(range.start());
        consumer.resume(consumer.assignment());
    }

    private Set<TopicPartition> fetchedToEnd() {
        Set<TopicPartition> done = new HashSet<>();
        for (Map.Entry<TopicPartition, Long> e : range.end().entrySet()) {
            if (consumer.position(e.getKey()) >= e.getValue()) {
                done.add(e.getKey());
            }
        }
        return done;
    }

    private void fetch(Set<TopicPartition> drained, Duration timeout) {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : range.start().keySet()) {
            (drained.contains(tp) || buffered(tp) >= MAX_BUFFERED ? pause : resume).add(tp);
        }
        consumer.pause(pause);
        consumer.resume(resume);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (r.offset() < range.end().get(tp)) {
                merges.get(groupIndex(tp.topic())).add(toInput(r));
            }
        }
    }

    private int buffered(TopicPartition tp) {
        return merges.get(groupIndex(tp.topic())).buffered(tp);
    }

    private InputRecord handOut(InputRecord r) {
        positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        return r;
    }

    private static InputRecord toInput(ConsumerRecord<byte[], byte[]> r) {
        return new InputRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value());
    }

    @Override
    public boolean exhausted() {
        return exhausted;
    }

    @Override
    public Map<TopicPartition, Long> positions() {
        return Map.copyOf(positions);
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public Map<String, String> checkpointState() {
        return groups.size() == 1 ? Map.of() : Map.of(MixPlan.METADATA_KEY, plan.format());
    }

    @Override
    public void close() {
        consumer.unsubscribe();
    }
}
