package dev.tralign.trainerservice;

import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.trainerservice.config.StartPolicy;
import dev.tralign.trainerservice.source.OffsetRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a run reads its input topics: a new run resolves input.start once (earliest, latest or the first record at
 * an instant) and records the result in every checkpoint event; a resumed run reads it back from there.
 */
final class InputStart {

    /** Checkpoint metadata of a streaming run: the offsets it started from (input.start, resolved once). */
    static final String START_OFFSETS_KEY = "start.offsets";

    private final StartPolicy start;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> inputs;

    InputStart(StartPolicy start, KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> inputs) {
        this.start = start;
        this.consumer = consumer;
        this.inputs = inputs;
    }

    /** A bounded run's range: recorded in its checkpoints, the replayed run's ({@code fixed}), or resolved now. */
    OffsetRange range(Optional<CheckpointEvent> last, OffsetRange fixed) {
        if (last.isPresent() && last.get().getMetadata().containsKey("range.start")) {
            Map<String, String> m = last.get().getMetadata();
            return new OffsetRange(OffsetRange.parse(m.get("range.start")), OffsetRange.parse(m.get("range.end")));
        }
        if (fixed != null) {
            return fixed;
        }
        // read_committed: endOffsets are the last stable offsets, so open transactions are not waited for.
        return new OffsetRange(startOffsets(), consumer.endOffsets(inputs));
    }

    /** Where a streaming run started: recorded in its checkpoints, or resolved from input.start when it is new. */
    Map<TopicPartition, Long> streamStart(Optional<CheckpointEvent> last) {
        String recorded = last.map(e -> e.getMetadata().get(START_OFFSETS_KEY)).orElse(null);
        // Streaming runs checkpointed before start.offsets was recorded started at the beginning.
        return recorded != null ? OffsetRange.parse(recorded)
                : last.isPresent() ? consumer.beginningOffsets(inputs) : startOffsets();
    }

    /** input.start as offsets: the beginning, the end, or the first record at or after an instant (else the end). */
    private Map<TopicPartition, Long> startOffsets() {
        switch (start.kind()) {
            case EARLIEST:
                return consumer.beginningOffsets(inputs);
            case LATEST:
                return consumer.endOffsets(inputs);
            default:
                Map<TopicPartition, Long> query = new LinkedHashMap<>();
                inputs.forEach(tp -> query.put(tp, start.instant().orElseThrow().toEpochMilli()));
                Map<TopicPartition, Long> end = consumer.endOffsets(inputs);
                Map<TopicPartition, Long> out = new LinkedHashMap<>();
                consumer.offsetsForTimes(query).forEach((tp, found) -> out.put(tp,
                        found != null ? found.offset() : end.get(tp)));
                return out;
        }
    }

    /** Checkpoint metadata that describes the whole run: its range (bounded) or where it started (streaming). */
    static Map<String, String> runMetadata(OffsetRange range, Map<TopicPartition, Long> streamStart) {
        Map<String, String> out = new LinkedHashMap<>();
        if (range != null) {
            out.put("range.start", OffsetRange.format(range.start()));
            out.put("range.end", OffsetRange.format(range.end()));
        } else {
            out.put(START_OFFSETS_KEY, OffsetRange.format(streamStart));
        }
        return out;
    }
}
