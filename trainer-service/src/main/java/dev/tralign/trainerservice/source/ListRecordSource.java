package dev.tralign.trainerservice.source;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Records from memory, in the given order, {@code epochs} times: the same loop without a broker (the pipeline
 * bench's baseline, unit tests).
 */
public final class ListRecordSource implements RecordSource {

    private final List<InputRecord> records;
    private final int epochs;
    private final Map<TopicPartition, Long> start = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private int index;
    private int epoch;

    public ListRecordSource(List<InputRecord> records, int epochs) {
        this.records = List.copyOf(records);
        this.epochs = epochs;
        for (InputRecord r : records) {
            start.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
        }
        positions.putAll(start);
    }

    @Override
    public Optional<InputRecord> next(Duration maxWait) {
        if (index == records.size() && epoch + 1 < epochs) {
            epoch++;
            index = 0;
            positions.putAll(start);
        }
        if (index == records.size()) {
            return Optional.empty();
        }
        InputRecord r = records.get(index++);
        positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        return Optional.of(r);
    }

    @Override
    public boolean exhausted() {
        return index == records.size() && epoch + 1 >= epochs;
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
    }
}
