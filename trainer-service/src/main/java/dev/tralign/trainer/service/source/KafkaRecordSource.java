package dev.tralign.trainer.service.source;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * The consumer is borrowed: the caller closes it.
 */
public final class KafkaRecordSource implements RecordSource {

    /** Partitions holding this many undelivered records are paused, so memory stays bounded. */
    private static final int MAX_BUFFERED = 2_000;
    private static final Duration POLL_SLICE = Duration.ofMillis(100);

    private final Consumer<byte[], byte[]> consumer;
    private final OffsetRange range;
    private final int epochs;
    private final OffsetMerge merge;
    private final Deque<InputRecord> arrived = new ArrayDeque<>();
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private int epoch;
    private boolean exhausted;

    private KafkaRecordSource(Consumer<byte[], byte[]> consumer, OffsetRange range, int epochs, int epoch,
            Map<TopicPartition, Long> startAt) {
        this.consumer = consumer;
        this.range = range;
        this.epochs = epochs;
        this.epoch = epoch;
        this.merge = range == null ? null : new OffsetMerge(range.start().keySet());
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
        return new KafkaRecordSource(consumer, range, epochs, epoch, positions);
    }

    /** Reads everything from {@code positions} on, as it arrives. */
    public static KafkaRecordSource streaming(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> positions) {
        return new KafkaRecordSource(consumer, null, 1, 0, positions);
    }

    @Override
    public Optional<InputRecord> next(Duration maxWait) {
        return range == null ? nextArrived(maxWait) : nextInRange(maxWait);
    }

    private Optional<InputRecord> nextArrived(Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (arrived.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(left));
            records.forEach(r -> arrived.addLast(toInput(r)));
        }
        return Optional.of(handOut(arrived.removeFirst()));
    }

    private Optional<InputRecord> nextInRange(Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!exhausted) {
            Set<TopicPartition> drained = fetchedToEnd();
            Optional<InputRecord> next = merge.poll(drained);
            if (next.isPresent()) {
                return Optional.of(handOut(next.get()));
            }
            if (drained.size() == range.start().size() && allEmpty()) {
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

    private void startEpoch(int next) {
        epoch = next;
        merge.clear();
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

    private boolean allEmpty() {
        for (TopicPartition tp : range.start().keySet()) {
            if (merge.buffered(tp) > 0) {
                return false;
            }
        }
        return true;
    }

    private void fetch(Set<TopicPartition> drained, Duration timeout) {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : range.start().keySet()) {
            (drained.contains(tp) || merge.buffered(tp) >= MAX_BUFFERED ? pause : resume).add(tp);
        }
        consumer.pause(pause);
        consumer.resume(resume);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (r.offset() < range.end().get(tp)) {
                merge.add(toInput(r));
            }
        }
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
    public void close() {
        consumer.unsubscribe();
    }
}
