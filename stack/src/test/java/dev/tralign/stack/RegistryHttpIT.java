package dev.tralign.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.registry.SchemaRegistryServer;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.CompatibilityLevel;
import dev.tralign.schemas.registry.RestSchemaRegistryClient;
import dev.tralign.schemas.registry.SchemaRegistryException;
import dev.tralign.schemas.serde.AvroDeserializer;
import dev.tralign.schemas.serde.AvroSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry over real HTTP, backed by the real embedded broker. */
@ExtendWith(EmbeddedStackExtension.class)
class RegistryHttpIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** PreferencePair with one more field; {@code withDefault} decides whether it is a compatible change. */
    private static Schema preferencePairPlus(String field, boolean withDefault) {
        String extra = "{\"name\":\"" + field + "\",\"type\":\"string\"" + (withDefault ? ",\"default\":\"\"" : "")
                + "}";
        String json = PreferencePair.getClassSchema().toString();
        return new Schema.Parser().parse(json.substring(0, json.lastIndexOf(']')) + "," + extra + "]}");
    }

    @Test
    void registersLooksUpAndServesIdsOverHttp(EmbeddedStack stack) throws Exception {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(stack.registryUrl());
        String subject = "it.basic-value";
        int id = client.register(subject, PreferencePair.getClassSchema());
        assertThat(client.register(subject, PreferencePair.getClassSchema())).as("same schema, same id").isEqualTo(id);
        assertThat(client.register("it.other-value", PreferencePair.getClassSchema())).as("ids are global")
                .isEqualTo(id);
        assertThat(client.getById(id)).isEqualTo(PreferencePair.getClassSchema());
        assertThat(client.lookup(subject, PreferencePair.getClassSchema())).get()
                .satisfies(found -> assertThat(found.version()).isEqualTo(1));
        assertThat(client.latest(subject).id()).isEqualTo(id);
        assertThat(client.subjects()).contains(subject, "it.other-value");

        JsonNode raw = get(stack.registryUrl() + "/schemas/ids/" + id + "/schema");
        assertThat(raw.path("name").asText()).isEqualTo("PreferencePair");
        JsonNode versions = get(stack.registryUrl() + "/schemas/ids/" + id + "/versions");
        assertThat(versions.findValuesAsText("subject")).contains(subject, "it.other-value");
    }

    @Test
    void backwardIncompatibleChangeIsRefusedWith409AndACompatibleOneDecodesOldRecords(EmbeddedStack stack) {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(stack.registryUrl());
        String topic = "it.evolve";
        String subject = topic + "-value";
        AvroSerializer<PreferencePair> serializer = new AvroSerializer<>(client);
        byte[] oldRecord = serializer.serialize(topic, pair());
        assertThat(client.getConfig(subject)).isEqualTo(CompatibilityLevel.BACKWARD);

        Schema required = preferencePairPlus("judge", false);
        assertThat(client.testCompatibility(subject, required)).isFalse();
        assertThatThrownBy(() -> client.register(subject, required))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains(subject).contains("judge");
                });

        Schema optional = preferencePairPlus("judge", true);
        assertThat(client.testCompatibility(subject, optional)).isTrue();
        int newId = client.register(subject, optional);
        assertThat(client.latest(subject).version()).isEqualTo(2);
        assertThat(client.latest(subject).id()).isEqualTo(newId);

        // A record written with v2 and the old v1 record both decode into today's generated class.
        GenericRecord v2 = new GenericData.Record(optional);
        PreferencePair p = pair();
        for (Schema.Field field : PreferencePair.getClassSchema().getFields()) {
            v2.put(field.name(), p.get(field.pos()));
        }
        v2.put("createdAt", p.getCreatedAt().toEpochMilli());
        v2.put("judge", "gold");
        AvroDeserializer<PreferencePair> deserializer = new AvroDeserializer<>(client, PreferencePair.class);
        assertThat(deserializer.deserialize(topic, oldRecord)).isEqualTo(pair());
        assertThat(deserializer.deserialize(topic, GenericBytes.frame(newId, v2))).isEqualTo(pair());
    }

    /**
     * WinRate gained the length-controlled fields (#18): the registry accepts today's schema over the previous one
     * under BACKWARD, and a record written with the previous schema decodes with no LC.
     */
    @Test
    void theWinRateWithLengthControlEvolvesThePreviousSchema(EmbeddedStack stack) throws Exception {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(stack.registryUrl());
        String topic = "it.win-rates";
        String subject = topic + "-value";
        Schema previous = new Schema.Parser().parse(java.nio.file.Files.readString(
                java.nio.file.Path.of("../schemas/src/test/resources/avro-history/WinRate-v1.avsc")));
        int previousId = client.register(subject, previous);
        GenericRecord old = new GenericData.Record(previous);
        for (String field : new String[] {"nWins", "nWinsBase", "nDraws", "nTotal"}) {
            old.put(field, 1L);
        }
        old.put("runId", "run");
        old.put("step", 7L);
        for (String field : new String[] {"winRate", "standardError", "discreteWinRate", "wilsonLow", "wilsonHigh"}) {
            old.put(field, 50.0);
        }
        old.put("at", 0L);

        assertThat(client.testCompatibility(subject, dev.tralign.schemas.avro.WinRate.getClassSchema())).isTrue();
        int currentId = client.register(subject, dev.tralign.schemas.avro.WinRate.getClassSchema());
        assertThat(currentId).isNotEqualTo(previousId);
        assertThat(client.latest(subject).version()).isEqualTo(2);

        dev.tralign.schemas.avro.WinRate read = new AvroDeserializer<>(client, dev.tralign.schemas.avro.WinRate.class)
                .deserialize(topic, GenericBytes.frame(previousId, old));
        assertThat(read.getStep()).isEqualTo(7L);
        assertThat(read.getWinRate()).isEqualTo(50.0);
        assertThat(read.getLengthControlledWinRate()).isNull();
        assertThat(read.getLcStandardError()).isNull();
    }

    @Test
    void unknownPathIsAJson404AndUnknownIdsAndSubjectsUseConfluentCodes(EmbeddedStack stack) throws Exception {
        HttpResponse<String> response = send("GET", stack.registryUrl() + "/no/such/path?x=1", null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).path("error_code").asInt()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).contains("json"));

        assertThat(JSON.readTree(send("GET", stack.registryUrl() + "/schemas/ids/9999", null).body())
                .path("error_code").asInt()).isEqualTo(40403);
        assertThat(JSON.readTree(send("GET", stack.registryUrl() + "/subjects/nope/versions/1", null).body())
                .path("error_code").asInt()).isEqualTo(40401);
        HttpResponse<String> badVersion = send("GET", stack.registryUrl() + "/subjects/nope/versions/zero", null);
        assertThat(JSON.readTree(badVersion.body()).path("error_code").asInt()).isIn(40401, 42202);
        HttpResponse<String> badSchema = send("POST", stack.registryUrl() + "/subjects/bad-value/versions",
                "{\"schema\":\"{not avro\"}");
        assertThat(badSchema.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(badSchema.body()).path("error_code").asInt()).isEqualTo(42201);
        assertThat(get(stack.registryUrl() + "/config?ignored=yes").path("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
    }

    @Test
    void softAndHardDeleteFollowConfluent(EmbeddedStack stack) throws Exception {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(stack.registryUrl());
        int id = client.register("it.delete-value", preferencePairPlus("x", true));
        assertThat(send("DELETE", stack.registryUrl() + "/subjects/it.delete-value", null).body()).isEqualTo("[1]");
        assertThat(client.subjects()).doesNotContain("it.delete-value");
        assertThat(client.getById(id)).as("old records stay readable").isNotNull();
        assertThat(send("DELETE", stack.registryUrl() + "/subjects/it.delete-value?permanent=true", null).body())
                .isEqualTo("[1]");
        assertThat(send("GET", stack.registryUrl() + "/subjects?deleted=true", null).body())
                .doesNotContain("it.delete-value");
    }

    @Test
    void aRestartedRegistryServesTheSameIdsAndTwoRegistriesOnOneBrokerAgree(EmbeddedStack stack) {
        int first;
        try (SchemaRegistryServer a = SchemaRegistryServer.start(stack.bootstrapServers(), "127.0.0.1", 0)) {
            first = new RestSchemaRegistryClient(a.url()).register("it.restart-value", preferencePairPlus("r", true));
        }
        try (SchemaRegistryServer restarted = SchemaRegistryServer.start(stack.bootstrapServers(), "127.0.0.1", 0);
                SchemaRegistryServer other = SchemaRegistryServer.start(stack.bootstrapServers(), "127.0.0.1", 0)) {
            RestSchemaRegistryClient viaRestarted = new RestSchemaRegistryClient(restarted.url());
            RestSchemaRegistryClient viaOther = new RestSchemaRegistryClient(other.url());
            assertThat(viaRestarted.latest("it.restart-value").id()).isEqualTo(first);

            int fromOther = viaOther.register("it.two-value", preferencePairPlus("two", true));
            assertThat(viaRestarted.getById(fromOther)).isEqualTo(preferencePairPlus("two", true));
            assertThat(viaRestarted.latest("it.two-value").id()).isEqualTo(fromOther);
            assertThat(viaRestarted.register("it.two-value", preferencePairPlus("two", true))).isEqualTo(fromOther);
            int fromRestarted = viaRestarted.register("it.three-value", preferencePairPlus("three", true));
            assertThat(fromRestarted).isNotEqualTo(fromOther);
            assertThat(new RestSchemaRegistryClient(stack.registryUrl()).getById(fromRestarted))
                    .isEqualTo(preferencePairPlus("three", true));
        }
    }

    @Test
    void unreachableRegistryIsNamedInTheError() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient("http://127.0.0.1:1");
        assertThatThrownBy(() -> client.getById(1)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("registry at http://127.0.0.1:1 unreachable");
    }

    static PreferencePair pair() {
        return PreferencePair.newBuilder().setId("p-1").setPrompt("Say hi").setChosen("Hi!").setRejected("No.")
                .setSource("it").setCreatedAt(Instant.ofEpochMilli(1_700_000_000_123L)).setAnnotator("ann")
                .setMetadata(Map.of("lang", "en")).build();
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = send("GET", url, null);
        assertThat(response.statusCode()).as(url + " -> " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/vnd.schemaregistry.v1+json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
