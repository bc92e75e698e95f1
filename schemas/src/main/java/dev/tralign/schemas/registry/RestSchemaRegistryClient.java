package dev.tralign.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client for Confluent's schema-registry REST API over {@code java.net.http}. Works against Confluent Schema
 * Registry and tralign's own registry. Caches schema-by-id and id-by-(subject, schema) since neither can change.
 * Several base URLs may be given; the next is tried when one is unreachable.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> baseUrls;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Integer>> idBySubjectAndSchema = new ConcurrentHashMap<>();

    /**
     * @param baseUrls one or more registry URLs such as {@code http://127.0.0.1:8081}
     * @param userInfo {@code user:password} for basic auth, or empty
     * @param timeout per-request timeout
     */
    public RestSchemaRegistryClient(List<String> baseUrls, Optional<String> userInfo, Duration timeout) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("no schema registry URL given: set schema.registry.url, e.g. "
                    + "http://127.0.0.1:8081");
        }
        this.baseUrls = baseUrls.stream().map(RestSchemaRegistryClient::trimSlash).toList();
        this.authorization = userInfo.map(info -> "Basic "
                + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** A client for one URL without auth and a 10 s timeout. */
    public RestSchemaRegistryClient(String baseUrl) {
        this(List.of(baseUrl), Optional.empty(), Duration.ofSeconds(10));
    }

    @Override
    public int register(String subject, Schema schema) {
        String text = SchemaStore.canonical(schema);
        Integer cached = idBySubjectAndSchema.getOrDefault(subject, Map.of()).get(text);
        if (cached != null) {
            return cached;
        }
        JsonNode reply = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(text), subject);
        int id = reply.path("id").asInt();
        remember(subject, text, id, schema);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode reply = call("GET", "/schemas/ids/" + id, null, "schema id " + id);
        requireAvro(reply, "schema id " + id);
        Schema schema = SchemaStore.parse(reply.path("schema").asText());
        schemaById.putIfAbsent(id, schema);
        return schemaById.get(id);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return toRegistered(call("GET", "/subjects/" + encode(subject) + "/versions/latest", null, subject), subject);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return toRegistered(call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null, subject),
                subject);
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        String text = SchemaStore.canonical(schema);
        try {
            RegisteredSchema found = toRegistered(
                    call("POST", "/subjects/" + encode(subject), schemaBody(text), subject), subject);
            remember(subject, text, found.id(), schema);
            return Optional.of(found);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        try {
            JsonNode reply = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(SchemaStore.canonical(schema)), subject);
            return reply.path("is_compatible").asBoolean();
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true; // nothing to be incompatible with
            }
            throw e;
        }
    }

    @Override
    public CompatibilityLevel getConfig() {
        return CompatibilityLevel.parse(call("GET", "/config", null, "global config").path("compatibilityLevel")
                .asText());
    }

    @Override
    public CompatibilityLevel getConfig(String subject) {
        JsonNode reply = call("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null, subject);
        return CompatibilityLevel.parse(reply.path("compatibilityLevel").asText());
    }

    @Override
    public void setConfig(CompatibilityLevel level) {
        call("PUT", "/config", configBody(level), "global config");
    }

    @Override
    public void setConfig(String subject, CompatibilityLevel level) {
        call("PUT", "/config/" + encode(subject), configBody(level), subject);
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null, "subjects").forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    private void remember(String subject, String text, int id, Schema schema) {
        idBySubjectAndSchema.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(text, id);
        schemaById.putIfAbsent(id, schema);
    }

    private RegisteredSchema toRegistered(JsonNode reply, String subject) {
        requireAvro(reply, subject);
        return new RegisteredSchema(reply.path("subject").asText(subject), reply.path("version").asInt(),
                reply.path("id").asInt(), SchemaStore.parse(reply.path("schema").asText()));
    }

    private static void requireAvro(JsonNode reply, String what) {
        String type = reply.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new SchemaRegistryException(what + " is a " + type + " schema; tralign reads only AVRO", 0, 0);
        }
    }

    private static String schemaBody(String schemaText) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schemaText);
        return body.toString();
    }

    private static String configBody(CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode();
        body.put("compatibility", level.name());
        return body.toString();
    }

    private JsonNode call(String method, String path, String body, String about) {
        SchemaRegistryException lastUnreachable = null;
        for (String base : baseUrls) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                    .header("Accept", CONTENT_TYPE + ", application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            authorization.ifPresent(value -> request.header("Authorization", value));
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                lastUnreachable = new SchemaRegistryException("registry at " + base + " unreachable: " + e
                        + " (is it running? check schema.registry.url)", 0, 0, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while calling the registry at " + base, 0, 0, e);
            }
            return parseReply(base, method, path, about, response);
        }
        throw lastUnreachable;
    }

    private static JsonNode parseReply(String base, String method, String path, String about,
            HttpResponse<String> response) {
        JsonNode json;
        try {
            json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300 && json != null) {
            return json;
        }
        int code = json == null ? 0 : json.path("error_code").asInt(0);
        String message = json == null ? truncate(response.body()) : json.path("message").asText(truncate(response.body()));
        throw new SchemaRegistryException("registry at " + base + ": " + method + " " + path + " for '" + about
                + "' failed with HTTP " + status + ", error code " + code + ": " + message, status, code);
    }

    private static String truncate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
