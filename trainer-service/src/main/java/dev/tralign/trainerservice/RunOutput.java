package dev.tralign.trainerservice;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Where a run's events and input positions go, atomically at each checkpoint. */
public interface RunOutput extends AutoCloseable {

    /** Publishes {@code records} and commits {@code positions}, all or nothing. */
    void commit(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, Long> positions);

    @Override
    void close();
}
