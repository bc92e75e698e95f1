package dev.tralign.schemas.serde;

import dev.tralign.schemas.registry.SchemaRegistryClient;
import dev.tralign.schemas.registry.SchemaRegistryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format Avro into generated classes. The writer schema is fetched by the id in the header
 * (cached) and resolved to the reader class's schema, so records written under an older (or newer, compatible)
 * schema decode. Anything that is not a well-formed record becomes a {@link SerializationException} naming the
 * topic and the problem, which consumers turn into dead letters.
 *
 * @param <T> the generated record class to read into
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private Class<T> type;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; reads into the writer schema's generated class. */
    public AvroDeserializer() {
    }

    /** Reads into {@code type} over the given client. */
    public AvroDeserializer(SchemaRegistryClient client, Class<T> type) {
        this.client = client;
        this.type = type;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = SerdeConfig.from(configs);
        if (client == null) {
            client = config.newClient();
            ownsClient = true;
        }
        Object typeName = configs.get(isKey ? SerdeConfig.SPECIFIC_KEY_TYPE : SerdeConfig.SPECIFIC_VALUE_TYPE);
        if (type == null && typeName != null) {
            type = typeName instanceof Class<?> c ? (Class<T>) c : (Class<T>) loadClass(typeName.toString());
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("AvroDeserializer for topic '" + topic + "' has no schema registry: "
                    + "call configure() with schema.registry.url or construct it with a SchemaRegistryClient");
        }
        int id = WireFormat.schemaId(topic, data);
        SpecificDatumReader<T> reader = readers.computeIfAbsent(id, i -> newReader(topic, i));
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, null);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("record on topic '" + topic + "' (schema id " + id + ") has "
                        + "bytes left over after the Avro body: it is corrupt or was written with another schema");
            }
            return record;
        } catch (SerializationException e) {
            throw e;
        } catch (Exception e) {
            throw new SerializationException("record on topic '" + topic + "' (schema id " + id + ", "
                    + data.length + " bytes) is not valid Avro for its schema: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private SpecificDatumReader<T> newReader(String topic, int id) {
        Schema writer;
        try {
            writer = client.getById(id);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("record on topic '" + topic + "' names schema id " + id
                    + " which the registry could not give: " + e.getMessage(), e);
        }
        Class<?> target = type != null ? type : SpecificData.get().getClass(writer);
        if (target == null || !SpecificRecord.class.isAssignableFrom(target)) {
            throw new SerializationException("record on topic '" + topic + "' has writer schema "
                    + writer.getFullName() + " (id " + id + ") and no generated class for it is on the classpath: "
                    + "pass the reader class or set " + SerdeConfig.SPECIFIC_VALUE_TYPE);
        }
        Schema readerSchema = SpecificData.get().getSchema(target);
        return new SpecificDatumReader<>(writer, readerSchema, SpecificData.getForClass((Class<T>) target));
    }

    private static Class<?> loadClass(String name) {
        try {
            return Class.forName(name, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new org.apache.kafka.common.config.ConfigException(SerdeConfig.SPECIFIC_VALUE_TYPE, name,
                    "class not found on the classpath");
        }
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
