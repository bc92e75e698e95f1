package dev.tralign.evaluator.stream;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.ReferenceUpdateEvent;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.schemas.avro.WinRate;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One record of any topic the guard reads, so the four can be merged into one stream partitioned by run id and
 * seen by one processor in one order. Exactly one field is set.
 */
record GuardInput(WinRate winRate, Judgment judgment, ReferenceUpdateEvent referenceUpdate, TrainMetrics metrics) {

    static GuardInput of(WinRate w) {
        return new GuardInput(w, null, null, null);
    }

    static GuardInput of(Judgment j) {
        return new GuardInput(null, j, null, null);
    }

    static GuardInput of(ReferenceUpdateEvent u) {
        return new GuardInput(null, null, u, null);
    }

    static GuardInput of(TrainMetrics m) {
        return new GuardInput(null, null, null, m);
    }

    String runId() {
        return winRate != null ? winRate.getRunId() : judgment != null ? judgment.getRunId()
                : referenceUpdate != null ? referenceUpdate.getRunId() : metrics.getRunId();
    }

    /**
     * The serde of the merged stream's repartition topic: a tag byte, then the record in its own topic's wire form
     * (so the schemas stay the subjects they already are).
     */
    static Serde<GuardInput> serde(Topic<String, WinRate> winRates, Topic<String, Judgment> judgments,
            Topic<String, ReferenceUpdateEvent> updates, Topic<String, TrainMetrics> metrics) {
        return Serdes.serdeFrom((topic, in) -> {
            if (in == null) {
                return null;
            }
            if (in.winRate() != null) {
                return tagged(0, winRates.valueSerde().serializer().serialize(winRates.name(), in.winRate()));
            }
            if (in.judgment() != null) {
                return tagged(1, judgments.valueSerde().serializer().serialize(judgments.name(), in.judgment()));
            }
            if (in.referenceUpdate() != null) {
                return tagged(2, updates.valueSerde().serializer().serialize(updates.name(), in.referenceUpdate()));
            }
            return tagged(3, metrics.valueSerde().serializer().serialize(metrics.name(), in.metrics()));
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 1) {
                throw new SerializationException("empty guard input record");
            }
            byte[] value = Arrays.copyOfRange(bytes, 1, bytes.length);
            switch (bytes[0]) {
                case 0:
                    return of(winRates.valueSerde().deserializer().deserialize(winRates.name(), value));
                case 1:
                    return of(judgments.valueSerde().deserializer().deserialize(judgments.name(), value));
                case 2:
                    return of(updates.valueSerde().deserializer().deserialize(updates.name(), value));
                case 3:
                    return of(metrics.valueSerde().deserializer().deserialize(metrics.name(), value));
                default:
                    throw new SerializationException("guard input tag " + bytes[0] + " is not 0-3");
            }
        });
    }

    private static byte[] tagged(int tag, byte[] value) {
        byte[] out = new byte[value.length + 1];
        out[0] = (byte) tag;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }
}
