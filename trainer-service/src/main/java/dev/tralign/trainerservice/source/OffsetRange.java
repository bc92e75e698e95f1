package dev.tralign.trainerservice.source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * A bounded run's input: per partition, [start, end) offsets. Written into checkpoint events as text so a resumed
 * run and a replay read exactly the same records.
 *
 * @param start first offset per partition
 * @param end end offset (exclusive) per partition, the read_committed end captured when the run started
 */
public record OffsetRange(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {

    private static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    public OffsetRange {
        if (!start.keySet().equals(end.keySet())) {
            throw new IllegalArgumentException("start and end must name the same partitions: " + start.keySet()
                    + " vs " + end.keySet());
        }
        Map<TopicPartition, Long> s = new TreeMap<>(ORDER);
        s.putAll(start);
        Map<TopicPartition, Long> e = new TreeMap<>(ORDER);
        e.putAll(end);
        start = java.util.Collections.unmodifiableMap(s);
        end = java.util.Collections.unmodifiableMap(e);
    }

    /** Upper bound of records in the range (transaction markers take offsets too). */
    public long size() {
        long n = 0;
        for (TopicPartition tp : start.keySet()) {
            n += Math.max(0, end.get(tp) - start.get(tp));
        }
        return n;
    }

    /** {@code topic:partition=offset;...} in partition order. */
    public static String format(Map<TopicPartition, Long> offsets) {
        List<String> parts = new ArrayList<>();
        Map<TopicPartition, Long> sorted = new TreeMap<>(ORDER);
        sorted.putAll(offsets);
        sorted.forEach((tp, o) -> parts.add(tp.topic() + ":" + tp.partition() + "=" + o));
        return String.join(";", parts);
    }

    /** Inverse of {@link #format}. */
    public static Map<TopicPartition, Long> parse(String text) {
        Map<TopicPartition, Long> out = new TreeMap<>(ORDER);
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(";")) {
            int colon = part.lastIndexOf(':');
            int eq = part.lastIndexOf('=');
            if (colon < 0 || eq < colon) {
                throw new IllegalArgumentException("offsets '" + text + "' are not topic:partition=offset;...");
            }
            out.put(new TopicPartition(part.substring(0, colon), Integer.parseInt(part.substring(colon + 1, eq))),
                    Long.parseLong(part.substring(eq + 1)));
        }
        return out;
    }

    /** Partitions in a stable order: by topic name, then number. */
    public static Comparator<TopicPartition> partitionOrder() {
        return ORDER;
    }
}
