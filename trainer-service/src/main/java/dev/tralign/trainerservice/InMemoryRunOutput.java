package dev.tralign.trainerservice;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Keeps committed records and positions in memory: the bench's broker-free baseline and unit tests. */
public final class InMemoryRunOutput implements RunOutput {

    private final List<ProducerRecord<byte[], byte[]>> committed = new ArrayList<>();
    private Map<TopicPartition, Long> positions = Map.of();

    @Override
    public void commit(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, Long> newPositions) {
        committed.addAll(records);
        positions = Map.copyOf(newPositions);
    }

    /** Everything committed so far, in order. */
    public List<ProducerRecord<byte[], byte[]>> committed() {
        return List.copyOf(committed);
    }

    /** The last committed positions. */
    public Map<TopicPartition, Long> positions() {
        return positions;
    }

    @Override
    public void close() {
    }
}
