package dev.tralign.trainerservice.source;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Input records in training order. Bounded sources hand out a fixed offset range {@code epochs} times in an order
 * that is a pure function of the offsets; streaming sources hand out records as they arrive.
 */
public interface RecordSource extends AutoCloseable {

    /** The next record, waiting at most {@code maxWait}; empty when none came in time or the source is exhausted. */
    Optional<InputRecord> next(Duration maxWait);

    /**
     * True when the record handed out last ends a micro-batch that must close here whatever batch_size says: a
     * replay of a streaming run, whose micro-batches were closed by timing, says so; live sources never do.
     */
    default boolean atMicroBatchEnd() {
        return false;
    }

    /** True once a bounded source handed out its whole range for the last epoch (never for streaming). */
    boolean exhausted();

    /** Per partition, the offset of the next record to hand out in the current epoch (Kafka's commit convention). */
    Map<TopicPartition, Long> positions();

    /** The current pass over the range, from 0. */
    int epoch();

    /**
     * What else a resumed run needs besides positions and epoch, as checkpoint metadata (e.g. {@code mix.taken},
     * the records each mixed topic gave in this epoch); empty by default.
     */
    default Map<String, String> checkpointState() {
        return Map.of();
    }

    @Override
    void close();
}
