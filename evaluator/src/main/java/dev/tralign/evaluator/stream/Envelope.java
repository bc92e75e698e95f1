package dev.tralign.evaluator.stream;

import dev.tralign.schemas.Topic;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A record from one of several topics, so they can be merged into one stream, repartitioned by one key and seen by
 * one processor in one order.
 *
 * @param source index of the topic it came from, in the list given to {@link #serde}
 * @param value the record
 */
record Envelope(int source, SpecificRecord value) {

    /**
     * The serde of merged envelopes: a tag byte (the source index), then the record in its own topic's wire form, so
     * the schemas stay the subjects they already are.
     */
    @SuppressWarnings("unchecked")
    static Serde<Envelope> serde(List<Topic<String, ? extends SpecificRecord>> sources) {
        if (sources.size() > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("at most " + Byte.MAX_VALUE + " sources");
        }
        return Serdes.serdeFrom((topic, envelope) -> {
            if (envelope == null) {
                return null;
            }
            Topic<String, ? extends SpecificRecord> source = sources.get(envelope.source());
            byte[] value = ((Serializer<SpecificRecord>) source.valueSerde().serializer())
                    .serialize(source.name(), envelope.value());
            byte[] out = new byte[value.length + 1];
            out[0] = (byte) envelope.source();
            System.arraycopy(value, 0, out, 1, value.length);
            return out;
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 1 || bytes[0] < 0 || bytes[0] >= sources.size()) {
                throw new SerializationException("envelope tag " + (bytes.length < 1 ? "missing" : bytes[0])
                        + " is not one of the " + sources.size() + " sources");
            }
            Topic<String, ? extends SpecificRecord> source = sources.get(bytes[0]);
            SpecificRecord value = ((Deserializer<SpecificRecord>) source.valueSerde().deserializer())
                    .deserialize(source.name(), Arrays.copyOfRange(bytes, 1, bytes.length));
            return new Envelope(bytes[0], value);
        });
    }
}
