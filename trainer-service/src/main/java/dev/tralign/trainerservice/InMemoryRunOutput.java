package dev.tralign.trainerservice;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** Keeps committed events and positions in memory: the in-process run (experiments, the bench's baseline), tests. */
public final class InMemoryRunOutput implements RunOutput {

    private final List<RunEvent> committed = new ArrayList<>();
    private Map<TopicPartition, Long> positions = Map.of();

    @Override
    public void commit(List<RunEvent> events, Map<TopicPartition, Long> newPositions) {
        committed.addAll(events);
        positions = Map.copyOf(newPositions);
    }

    /** Everything committed so far, in order. */
    public List<RunEvent> committed() {
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
