package dev.tralign.trainerservice.source;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Merges per-partition queues into ONE order that depends only on offsets: smallest (offset, topic, partition)
 * first. A record is released only when every partition that may still deliver has a head to compare with, so
 * poll timing cannot change the order. Pure: no Kafka I/O.
 */
public final class OffsetMerge {

    private static final Comparator<InputRecord> ORDER = Comparator.comparingLong(InputRecord::offset)
            .thenComparing(InputRecord::topic).thenComparingInt(InputRecord::partition);

    private final Map<TopicPartition, Deque<InputRecord>> queues = new LinkedHashMap<>();

    public OffsetMerge(Set<TopicPartition> partitions) {
        partitions.forEach(tp -> queues.put(tp, new ArrayDeque<>()));
    }

    /** Buffers one fetched record of its partition (records of a partition arrive in offset order). */
    public void add(InputRecord record) {
        queues.get(new TopicPartition(record.topic(), record.partition())).addLast(record);
    }

    /** Buffered records of one partition. */
    public int buffered(TopicPartition tp) {
        return queues.get(tp).size();
    }

    /**
     * The next record in merge order, or empty when some partition that is not {@code finished} has nothing buffered
     * (the caller must fetch more first) or everything is drained.
     */
    public Optional<InputRecord> poll(Set<TopicPartition> finished) {
        InputRecord best = null;
        for (Map.Entry<TopicPartition, Deque<InputRecord>> e : queues.entrySet()) {
            InputRecord head = e.getValue().peekFirst();
            if (head == null) {
                if (!finished.contains(e.getKey())) {
                    return Optional.empty();
                }
                continue;
            }
            if (best == null || ORDER.compare(head, best) < 0) {
                best = head;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        queues.get(new TopicPartition(best.topic(), best.partition())).removeFirst();
        return Optional.of(best);
    }

    /** Drops everything buffered (a new epoch starts). */
    public void clear() {
        queues.values().forEach(Deque::clear);
    }
}
