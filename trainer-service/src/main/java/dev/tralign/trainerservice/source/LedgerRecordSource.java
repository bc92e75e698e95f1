package dev.tralign.trainerservice.source;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands out exactly the records of a {@link ReplaySchedule}, in its order, and says where each micro-batch ends, so
 * a replay of a streaming run trains the batches the run trained whatever the timing now. Each partition is read
 * forward once from the schedule's first offset in it; records the run did not train (dead letters, or arrivals after
 * it stopped) are skipped. A scheduled record that the topic no longer holds (retention, compaction) fails the
 * replay with a message saying so. The consumer is borrowed: the caller closes it.
 */
public final class LedgerRecordSource implements RecordSource {

    /** Partitions holding this many fetched records not yet due are paused, so memory stays bounded. */
    private static final int MAX_BUFFERED = 2_000;

    private final Consumer<byte[], byte[]> consumer;
    private final List<ReplaySchedule.Item> items;
    private final Map<TopicPartition, Deque<ConsumerRecord<byte[], byte[]>>> fetched = new HashMap<>();
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private int cursor;

    public LedgerRecordSource(Consumer<byte[], byte[]> consumer, ReplaySchedule schedule) {
        this.consumer = consumer;
        this.items = schedule.items();
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        for (ReplaySchedule.Item item : items) {
            first.merge(item.partition(), item.offset(), Math::min);
        }
        first.keySet().forEach(tp -> fetched.put(tp, new ArrayDeque<>()));
        consumer.assign(new ArrayList<>(first.keySet()));
        first.forEach(consumer::seek);
        positions.putAll(first);
    }

    @Override
    public Optional<InputRecord> next(Duration maxWait) {
        if (exhausted()) {
            return Optional.empty();
        }
        ReplaySchedule.Item item = items.get(cursor);
        Deque<ConsumerRecord<byte[], byte[]>> queue = fetched.get(item.partition());
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            while (!queue.isEmpty() && queue.peekFirst().offset() < item.offset()) {
                queue.removeFirst(); // not trained by the run: a dead letter, or skipped
            }
            if (!queue.isEmpty()) {
                break;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            poll(item.partition(), Duration.ofNanos(left));
        }
        ConsumerRecord<byte[], byte[]> record = queue.removeFirst();
        if (record.offset() != item.offset()) {
            throw new IllegalStateException("the ledger names " + origin(item) + " but the topic's next record is at "
                    + "offset " + record.offset() + ": the record was deleted (retention or compaction), so this run "
                    + "can no longer be replayed exactly");
        }
        cursor++;
        positions.put(item.partition(), record.offset() + 1);
        return Optional.of(new InputRecord(record.topic(), record.partition(), record.offset(), record.key(),
                record.value()));
    }

    private void poll(TopicPartition due, Duration wait) {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        fetched.forEach((tp, q) -> (q.size() >= MAX_BUFFERED && !tp.equals(due) ? pause : resume).add(tp));
        consumer.pause(pause);
        consumer.resume(resume);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            fetched.get(new TopicPartition(r.topic(), r.partition())).addLast(r);
        }
    }

    private static String origin(ReplaySchedule.Item item) {
        return item.partition().topic() + "/" + item.partition().partition() + "@" + item.offset();
    }

    /** True right after the last record of a scheduled micro-batch was handed out. */
    @Override
    public boolean atMicroBatchEnd() {
        return cursor > 0 && items.get(cursor - 1).endsMicroBatch();
    }

    @Override
    public boolean exhausted() {
        return cursor >= items.size();
    }

    @Override
    public Map<TopicPartition, Long> positions() {
        return Map.copyOf(positions);
    }

    @Override
    public int epoch() {
        return 0;
    }

    @Override
    public void close() {
        // the consumer is borrowed
    }
}
