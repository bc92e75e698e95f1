package dev.tralign.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.RestSchemaRegistryClient;
import dev.tralign.schemas.serde.AvroDeserializer;
import dev.tralign.schemas.serde.AvroSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Conformance with Confluent's official JavaScript client (@confluentinc/schemaregistry, pinned in
 * .ci/conformance/package.json): it registers against our registry, writes records our deserializer reads, and
 * reads records our serializer writes, through a real topic.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ConfluentJsConformanceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void confluentJsClientAndTralignSerdeReadEachOther(EmbeddedStack stack) throws Exception {
        Path conformance = conformanceDir();
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "conformance-");
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(stack.registryUrl());

        // 1. The JS client registers PreferencePair; our registry and client agree on the id.
        Path schemaFile = Files.writeString(work.resolve("PreferencePair.avsc"),
                PreferencePair.getClassSchema().toString());
        JsonNode registered = node(conformance, "register", stack.registryUrl(), "conformance.js-value",
                schemaFile.toString());
        int jsId = registered.path("id").asInt();
        assertThat(jsId).isPositive();
        assertThat(client.latest("conformance.js-value").id()).isEqualTo(jsId);
        assertThat(client.register("conformance.js-value", PreferencePair.getClassSchema())).isEqualTo(jsId);

        // 2. The JS client serializes a record; it travels through a real topic; our deserializer reads it.
        ObjectNode jsRecord = JSON.createObjectNode().put("id", "js-1").put("prompt", "What is 2+2?")
                .put("chosen", "4").put("rejected", "5").put("source", "confluent-js")
                .put("createdAt", 1_700_000_000_456L).put("annotator", "alice").putNull("scoreMargin");
        jsRecord.putObject("metadata").put("client", "js");
        Path recordFile = Files.writeString(work.resolve("record.json"), jsRecord.toString());
        byte[] jsBytes = HexFormat.of().parseHex(node(conformance, "serialize", stack.registryUrl(),
                "conformance.js", recordFile.toString()).path("hex").asText());
        stack.createTopic("conformance.js", 1);
        produce(stack, "conformance.js", jsBytes, new ByteArraySerializer());
        PreferencePair fromJs = consumeOne(stack, "conformance.js",
                new AvroDeserializer<>(client, PreferencePair.class));
        assertThat(fromJs.getId()).isEqualTo("js-1");
        assertThat(fromJs.getPrompt()).isEqualTo("What is 2+2?");
        assertThat(fromJs.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_456L));
        assertThat(fromJs.getAnnotator()).isEqualTo("alice");
        assertThat(fromJs.getScoreMargin()).isNull();
        assertThat(fromJs.getMetadata()).isEqualTo(Map.of("client", "js"));

        // 3. Our serializer writes a record to a real topic; the JS client reads the same bytes.
        PreferencePair ours = PreferencePair.newBuilder().setId("java-1").setPrompt("Say hi").setChosen("Hi!")
                .setRejected("No.").setSource("tralign").setCreatedAt(Instant.ofEpochMilli(1_700_000_000_789L))
                .setAnnotator(null).setScoreMargin(1.25).setMetadata(Map.of("client", "java")).build();
        stack.createTopic("conformance.java", 1);
        produce(stack, "conformance.java", ours, new AvroSerializer<>(client));
        byte[] javaBytes = consumeOne(stack, "conformance.java", new ByteArrayDeserializer());
        JsonNode read = node(conformance, "deserialize", stack.registryUrl(), "conformance.java",
                HexFormat.of().formatHex(javaBytes)).path("record");
        assertThat(read.path("id").asText()).isEqualTo("java-1");
        assertThat(read.path("chosen").asText()).isEqualTo("Hi!");
        assertThat(read.path("createdAt").asLong()).isEqualTo(1_700_000_000_789L);
        assertThat(unwrap(read.path("scoreMargin")).asDouble()).isEqualTo(1.25);
        assertThat(unwrap(read.path("annotator")).isNull()).isTrue();
        assertThat(read.path("metadata").path("client").asText()).isEqualTo("java");
    }

    /** avsc may wrap union values as {"double": 1.25}; accept both forms. */
    private static JsonNode unwrap(JsonNode value) {
        return value.isObject() && value.size() == 1 ? value.elements().next() : value;
    }

    private static Path conformanceDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(".ci/conformance"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("no .ci/conformance above " + System.getProperty("user.dir")).isNotNull();
        Path conformance = dir.resolve(".ci/conformance");
        assertThat(conformance.resolve("node_modules/@confluentinc/schemaregistry"))
                .as("Confluent's JS client is not installed: run `npm ci --prefix .ci/conformance` in the repository "
                        + "root (needs node 20+ and npm)")
                .isDirectory();
        return conformance;
    }

    private static JsonNode node(Path conformance, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", conformance.resolve("conformance.js").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(conformance.toFile()).start();
        boolean finished = process.waitFor(NODE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("node " + args[0] + " did not finish within " + NODE_TIMEOUT).isTrue();
        assertThat(process.exitValue()).as("node " + String.join(" ", args) + " failed:\n" + err + out).isZero();
        return JSON.readTree(out);
    }

    private static <V> void produce(EmbeddedStack stack, String topic, V value, Serializer<V> serializer)
            throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(), serializer)) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static <V> V consumeOne(EmbeddedStack stack, String topic, Deserializer<V> deserializer) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "conformance-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    return record.value();
                }
            }
        }
        throw new AssertionError("no record on " + topic + " within 30 s");
    }
}
