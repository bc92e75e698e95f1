package dev.tralign.schemas.serde;

import dev.tralign.schemas.registry.RegisteredSchema;
import dev.tralign.schemas.registry.SchemaRegistryClient;
import dev.tralign.schemas.registry.SchemaRegistryException;
import dev.tralign.schemas.registry.SchemaStore;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in Confluent's wire format, registering (or looking up) the schema under the
 * TopicNameStrategy subject {@code <topic>-value} (or {@code -key}). Reads Confluent's config keys; see
 * {@link SerdeConfig}. A Kafka producer may create it by class name (then {@code schema.registry.url} is required)
 * or a caller may inject a {@link SchemaRegistryClient}.
 *
 * @param <T> the generated record class
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatestVersion;
    /**
     * Schema id per (topic, schema). Keyed by the Schema object (Avro caches its hash), not by its canonical text:
     * rendering the canonical JSON per record was two thirds of the serializer's cost. Keyed by topic too, because
     * one serializer may write several topics (Streams repartition topics), each with its own subject.
     */
    private final Map<SubjectSchema, Integer> idBySchema = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
    /**
     * One encoder and buffer per thread, reused record after record (a Kafka serializer may be called from several
     * threads at once). Before, each record grew a fresh 256-byte stream and encoded each text into its own array:
     * ~6 KB of garbage per HH-sized record; now one exact-size copy of the result is all it allocates.
     */
    private static final ThreadLocal<ArrayBinaryEncoder> ENCODERS = ThreadLocal.withInitial(ArrayBinaryEncoder::new);

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public AvroSerializer() {
    }

    /** A value serializer over the given client, auto-registering schemas. */
    public AvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    /** A serializer over the given client with Confluent's settings (the URL, if any, is ignored). */
    public AvroSerializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        this.client = client;
        configure(configs, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = SerdeConfig.from(configs);
        this.isKey = isKey;
        this.autoRegister = config.autoRegister();
        this.useLatestVersion = config.useLatestVersion();
        if (client == null) {
            client = config.newClient();
            ownsClient = true;
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("AvroSerializer for topic '" + topic + "' has no schema registry: "
                    + "call configure() with schema.registry.url or construct it with a SchemaRegistryClient");
        }
        Schema schema = data.getSchema();
        int id = idBySchema.computeIfAbsent(new SubjectSchema(topic, schema), key -> schemaId(topic, schema));
        try {
            ArrayBinaryEncoder encoder = ENCODERS.get();
            encoder.startRecord(id);
            writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(data, encoder);
            return encoder.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " to topic '" + topic
                    + "': " + e.getMessage() + " (a required field is probably null)", e);
        }
    }

    private int schemaId(String topic, Schema schema) {
        String subject = Subjects.topicNameStrategy(topic, isKey);
        try {
            if (useLatestVersion) {
                RegisteredSchema latest = client.latest(subject);
                if (!SchemaStore.canonical(latest.schema()).equals(SchemaStore.canonical(schema))) {
                    throw new SerializationException("use.latest.version=true but the latest version "
                            + latest.version() + " of subject '" + subject + "' differs from the schema of "
                            + schema.getFullName() + " this producer was built with: rebuild with the latest schema "
                            + "or set use.latest.version=false");
                }
                return latest.id();
            }
            if (autoRegister) {
                return client.register(subject, schema);
            }
            return client.lookup(subject, schema).map(RegisteredSchema::id).orElseThrow(() ->
                    new SerializationException("schema " + schema.getFullName() + " is not registered under subject '"
                            + subject + "' and auto.register.schemas=false: register it first or set "
                            + "auto.register.schemas=true"));
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot get a schema id for topic '" + topic + "' (subject '" + subject
                    + "'): " + e.getMessage(), e);
        }
    }

    private record SubjectSchema(String topic, Schema schema) {
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
