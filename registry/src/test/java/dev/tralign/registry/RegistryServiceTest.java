package dev.tralign.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.schemas.registry.CompatibilityLevel;
import dev.tralign.schemas.registry.SchemaStore;
import dev.tralign.schemas.registry.StoredSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Endpoint logic over a journal that applies straight to the store (the Kafka journal is covered by stack ITs). */
class RegistryServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    private static final String V2_REQUIRED = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
            + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}]}";

    private final SchemaStore store = new SchemaStore();
    private final RegistryService service = new RegistryService(store, new DirectJournal(store));

    private Object call(String method, String path, String query, String body) throws Exception {
        Route route = ((Router.Found) Router.match(method, path, query)).route();
        return service.handle(route, body == null ? null : JSON.readTree(body));
    }

    private static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    @Test
    void registerIsIdempotentAndIncompatibleChangesAre409() throws Exception {
        assertThat(call("POST", "/subjects/s/versions", null, schemaBody(V1))).isEqualTo(Map.of("id", 1));
        assertThat(call("POST", "/subjects/s/versions", null, schemaBody(V1))).isEqualTo(Map.of("id", 1));
        assertThatThrownBy(() -> call("POST", "/subjects/s/versions", null, schemaBody(V2_REQUIRED)))
                .isInstanceOfSatisfying(RegistryError.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("\"s\"").contains("BACKWARD");
                });
        call("PUT", "/config/s", null, "{\"compatibility\":\"NONE\"}");
        assertThat(call("POST", "/subjects/s/versions", null, schemaBody(V2_REQUIRED))).isEqualTo(Map.of("id", 2));
        assertThat(call("GET", "/subjects/s/versions", null, null)).isEqualTo(List.of(1, 2));
    }

    @Test
    void versionsAndLookupsUseConfluentCodes() throws Exception {
        call("POST", "/subjects/s/versions", null, schemaBody(V1));
        assertThat(code(() -> call("GET", "/subjects/s/versions/0", null, null))).isEqualTo(42202);
        assertThat(code(() -> call("GET", "/subjects/s/versions/x", null, null))).isEqualTo(42202);
        assertThat(code(() -> call("GET", "/subjects/s/versions/9", null, null))).isEqualTo(40402);
        assertThat(code(() -> call("GET", "/subjects/t/versions/1", null, null))).isEqualTo(40401);
        assertThat(code(() -> call("POST", "/subjects/s", null, schemaBody(V2_REQUIRED)))).isEqualTo(40403);
        assertThat(code(() -> call("GET", "/schemas/ids/5", null, null))).isEqualTo(40403);
        assertThat(code(() -> call("POST", "/subjects/s/versions", null, schemaBody("{\"type\":\"nope\"}"))))
                .isEqualTo(42201);
        assertThat(code(() -> call("POST", "/subjects/s/versions", null,
                "{\"schemaType\":\"PROTOBUF\",\"schema\":\"x\"}"))).isEqualTo(42201);
        assertThat(code(() -> call("PUT", "/config", null, "{\"compatibility\":\"SOMETIMES\"}"))).isEqualTo(42203);
        assertThat(code(() -> call("GET", "/config/s", null, null))).isEqualTo(40408);
        assertThat(call("GET", "/config/s", "defaultToGlobal=true", null))
                .isEqualTo(Map.of("compatibilityLevel", "BACKWARD"));
    }

    @Test
    void compatibilityEndpointReportsWithoutRegistering() throws Exception {
        call("POST", "/subjects/s/versions", null, schemaBody(V1));
        @SuppressWarnings("unchecked")
        Map<String, Object> reply = (Map<String, Object>) call("POST",
                "/compatibility/subjects/s/versions/latest", "verbose=true", schemaBody(V2_REQUIRED));
        assertThat(reply.get("is_compatible")).isEqualTo(false);
        assertThat((List<?>) reply.get("messages")).isNotEmpty();
        assertThat(store.versions("s", false)).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> fresh = (Map<String, Object>) call("POST",
                "/compatibility/subjects/new/versions/latest", null, schemaBody(V2_REQUIRED));
        assertThat(fresh.get("is_compatible")).isEqualTo(true);
    }

    @Test
    void schemaEndpointsReturnTheRawSchemaDocument() throws Exception {
        call("POST", "/subjects/s/versions", null, schemaBody(V1));
        Object raw = call("GET", "/schemas/ids/1/schema", null, null);
        assertThat(raw).isInstanceOf(RegistryService.RawJson.class);
        JsonNode parsed = JSON.readTree(((RegistryService.RawJson) raw).json());
        assertThat(parsed.path("name").asText()).isEqualTo("R");
    }

    private static int code(ThrowingCall call) {
        try {
            call.run();
        } catch (RegistryError e) {
            return e.code();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a RegistryError");
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    /** Applies at once, as the Kafka journal does after reading its own record back. */
    private static final class DirectJournal implements Journal {
        private final SchemaStore store;

        DirectJournal(SchemaStore store) {
            this.store = store;
        }

        @Override
        public void append(StoredSchema entry) {
            store.apply(entry);
        }

        @Override
        public void purge(StoredSchema entry) {
            store.purge(entry.subject(), entry.version());
        }

        @Override
        public void config(String subject, CompatibilityLevel level) {
            store.applyConfig(subject, level);
        }

        @Override
        public void catchUp() {
        }

        @Override
        public void close() {
        }
    }
}
