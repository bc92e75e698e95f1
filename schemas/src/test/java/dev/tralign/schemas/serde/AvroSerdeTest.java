package dev.tralign.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerde<PreferencePair> serde = new AvroSerde<>(registry, PreferencePair.class);

    static PreferencePair pair(String id) {
        return PreferencePair.newBuilder().setId(id).setPrompt("2+2?").setChosen("4").setRejected("5")
                .setSource("test").setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setScoreMargin(0.5).setMetadata(Map.of("k", "v")).build();
    }

    @Test
    void roundTripsAndRegistersUnderTopicNameStrategy() {
        byte[] bytes = serde.serializer().serialize("tralign.preferences", pair("p1"));
        int id = WireFormat.schemaId("tralign.preferences", bytes);
        assertThat(registry.latest("tralign.preferences-value").id()).isEqualTo(id);
        assertThat(serde.deserializer().deserialize("tralign.preferences", bytes)).isEqualTo(pair("p1"));
    }

    @Test
    void keySerializerUsesTheKeySubject() {
        AvroSerializer<PreferencePair> keys = new AvroSerializer<>(registry, Map.of(), true);
        keys.serialize("t", pair("k"));
        assertThat(registry.subjects()).containsExactly("t-key");
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void recordWrittenWithAnOlderSchemaDecodesWithDefaults() throws IOException {
        Schema old = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"PreferencePair\","
                + "\"namespace\":\"dev.tralign.schemas.avro\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"prompt\",\"type\":\"string\"},"
                + "{\"name\":\"chosen\",\"type\":\"string\"},{\"name\":\"rejected\",\"type\":\"string\"},"
                + "{\"name\":\"source\",\"type\":\"string\"},"
                + "{\"name\":\"createdAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}");
        int oldId = registry.register("t-value", old);
        GenericRecord record = new GenericData.Record(old);
        record.put("id", "old");
        record.put("prompt", "p");
        record.put("chosen", "c");
        record.put("rejected", "r");
        record.put("source", "legacy");
        record.put("createdAt", 42L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.header(oldId));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old).write(record, encoder);
        encoder.flush();

        PreferencePair read = serde.deserializer().deserialize("t", out.toByteArray());
        assertThat(read.getId()).isEqualTo("old");
        assertThat(read.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(42));
        assertThat(read.getAnnotator()).isNull();
        assertThat(read.getMetadata()).isEmpty();
    }

    @Test
    void unknownSchemaIdIsASerializationErrorNamingTheTopic() {
        byte[] bytes = serde.serializer().serialize("t", pair("p"));
        bytes[4] = 99;
        assertThatThrownBy(() -> serde.deserializer().deserialize("tralign.preferences", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("tralign.preferences").hasMessageContaining("schema id 99");
    }

    @Test
    void truncatedBodyIsASerializationError() {
        byte[] bytes = serde.serializer().serialize("t", pair("p"));
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 6);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", cut))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not valid Avro");
    }

    @Test
    void trailingBytesAreCorrupt() {
        byte[] bytes = serde.serializer().serialize("t", pair("p"));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", longer))
                .isInstanceOf(SerializationException.class).hasMessageContaining("left over");
    }

    @Test
    void missingRequiredFieldIsASerializationError() {
        PreferencePair broken = pair("p");
        broken.setPrompt(null);
        assertThatThrownBy(() -> serde.serializer().serialize("t", broken))
                .isInstanceOf(SerializationException.class).hasMessageContaining("'t'");
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsRefusedWithTheFix() {
        AvroSerializer<PreferencePair> strict = new AvroSerializer<>(registry,
                Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, "false"), false);
        assertThatThrownBy(() -> strict.serialize("t", pair("p")))
                .isInstanceOf(SerializationException.class).hasMessageContaining("auto.register.schemas");
        int id = registry.register("t-value", PreferencePair.getClassSchema());
        assertThat(WireFormat.schemaId("t", strict.serialize("t", pair("p")))).isEqualTo(id);
    }

    @Test
    void useLatestVersionWritesWithTheLatestId() {
        int id = registry.register("t-value", PreferencePair.getClassSchema());
        AvroSerializer<PreferencePair> latest = new AvroSerializer<>(registry,
                Map.of(SerdeConfig.USE_LATEST_VERSION, true, SerdeConfig.AUTO_REGISTER_SCHEMAS, false), false);
        assertThat(WireFormat.schemaId("t", latest.serialize("t", pair("p")))).isEqualTo(id);
    }

    @Test
    void readerWithoutClassUsesTheGeneratedClassOfTheWriterSchema() {
        AvroDeserializer<PreferencePair> generic = new AvroDeserializer<>(registry, null);
        byte[] bytes = serde.serializer().serialize("t", pair("p"));
        assertThat(generic.deserialize("t", bytes)).isInstanceOf(PreferencePair.class);
    }
}
