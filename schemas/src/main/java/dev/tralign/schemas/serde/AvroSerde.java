package dev.tralign.schemas.serde;

import dev.tralign.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Avro serializer and deserializer for one generated record type, as one Kafka {@link Serde}.
 *
 * @param <T> the generated record class
 */
public class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /** A serde over an injected client; {@link #configure} may still pass Confluent's settings. */
    public AvroSerde(SchemaRegistryClient client, Class<T> type) {
        this.serializer = new AvroSerializer<>(client);
        this.deserializer = new AvroDeserializer<>(client, type);
    }

    /** A serde that builds its client from {@code schema.registry.url} in {@link #configure}. */
    public AvroSerde(Class<T> type) {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>(null, type);
    }

    /** A configured serde over a client (shared by many topics). */
    public static <T extends SpecificRecord> AvroSerde<T> of(SchemaRegistryClient client, Class<T> type,
            Map<String, ?> configs, boolean isKey) {
        AvroSerde<T> serde = new AvroSerde<>(client, type);
        serde.configure(configs, isKey);
        return serde;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
