package dev.tralign.trainerservice;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** Where a run's events and input positions go, atomically at each checkpoint. */
public interface RunOutput extends AutoCloseable {

    /** Publishes {@code events} (in order) and commits {@code positions}, all or nothing. */
    void commit(List<RunEvent> events, Map<TopicPartition, Long> positions);

    @Override
    void close();
}
