package dev.tralign.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tralign.schemas.registry.CompatibilityLevel;
import dev.tralign.schemas.registry.SchemaStore;
import dev.tralign.schemas.registry.StoredSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * What each endpoint does, over a {@link SchemaStore} and a {@link Journal}. Replies are plain maps and lists that
 * the HTTP layer writes as JSON; refusals are {@link RegistryError}s with Confluent's codes.
 */
final class RegistryService {

    private static final int REGISTER_ATTEMPTS = 5;

    private final SchemaStore store;
    private final Journal journal;

    RegistryService(SchemaStore store, Journal journal) {
        this.store = store;
        this.journal = journal;
    }

    Object handle(Route route, JsonNode body) {
        return switch (route.endpoint()) {
            case ROOT -> Map.of();
            case SUBJECTS -> store.subjects(route.flag("deleted"));
            case SUBJECT_VERSIONS -> versions(route);
            case REGISTER -> Map.of("id", register(route.subject(), schemaFrom(body)));
            case LOOKUP -> lookup(route, schemaFrom(body));
            case DELETE_SUBJECT -> deleteSubject(route);
            case GET_VERSION -> describe(version(route.subject(), route.version(), route.flag("deleted")));
            case GET_VERSION_SCHEMA -> rawJson(version(route.subject(), route.version(), false).schema());
            case DELETE_VERSION -> deleteVersion(route);
            case SCHEMA_BY_ID -> Map.of("schema", schemaText(route.id()));
            case SCHEMA_TEXT_BY_ID -> rawJson(schemaText(route.id()));
            case SCHEMA_VERSIONS_BY_ID -> usesOf(route.id());
            case SCHEMA_TYPES -> List.of("AVRO");
            case GET_GLOBAL_CONFIG -> Map.of("compatibilityLevel", store.globalLevel().name());
            case PUT_GLOBAL_CONFIG -> putConfig(null, body);
            case GET_SUBJECT_CONFIG -> subjectConfig(route);
            case PUT_SUBJECT_CONFIG -> putConfig(route.subject(), body);
            case DELETE_SUBJECT_CONFIG -> deleteConfig(route.subject());
            case COMPATIBILITY -> compatibility(route, schemaFrom(body));
            case MODE -> Map.of("mode", "READWRITE");
        };
    }

    /** A JSON document to be written as-is (the schema itself, not a string holding it). */
    record RawJson(String json) {
    }

    private static RawJson rawJson(String json) {
        return new RawJson(json);
    }

    synchronized int register(String subject, Schema schema) {
        String text = SchemaStore.canonical(schema);
        for (int attempt = 0; attempt < REGISTER_ATTEMPTS; attempt++) {
            journal.catchUp();
            Optional<StoredSchema> existing = store.find(subject, text);
            if (existing.isPresent()) {
                return existing.get().id();
            }
            List<String> problems = store.compatibilityProblems(subject, schema);
            if (!problems.isEmpty()) {
                throw new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema "
                        + "for subject \"" + subject + "\" (compatibility " + store.effectiveLevel(subject)
                        + "), details: " + problems);
            }
            int id = store.idOf(text).orElseGet(store::nextId);
            journal.append(new StoredSchema(subject, store.nextVersion(subject), id, text, false));
            // Another registry may have won the race for this id or version: then look again and retry.
        }
        Optional<StoredSchema> settled = store.find(subject, text);
        if (settled.isPresent()) {
            return settled.get().id();
        }
        throw new RegistryError(500, 50001, "Error while registering schema under subject '" + subject
                + "': lost " + REGISTER_ATTEMPTS + " races with other registries writing the same topic; retry");
    }

    private Map<String, Object> lookup(Route route, Schema schema) {
        String subject = route.subject();
        if (!store.hasSubject(subject, false)) {
            journal.catchUp();
        }
        if (!store.hasSubject(subject, false)) {
            throw RegistryError.subjectNotFound(subject);
        }
        return store.find(subject, SchemaStore.canonical(schema)).map(this::describe)
                .orElseThrow(() -> RegistryError.schemaNotFound("Schema not found under subject '" + subject + "'"));
    }

    private List<Integer> versions(Route route) {
        List<StoredSchema> versions = knownVersions(route.subject(), route.flag("deleted"));
        return versions.stream().map(StoredSchema::version).toList();
    }

    private List<StoredSchema> knownVersions(String subject, boolean includeDeleted) {
        List<StoredSchema> versions = store.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            journal.catchUp();
            versions = store.versions(subject, includeDeleted);
        }
        if (versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return versions;
    }

    private StoredSchema version(String subject, String version, boolean includeDeleted) {
        List<StoredSchema> versions = knownVersions(subject, includeDeleted);
        if (isLatest(version)) {
            return versions.get(versions.size() - 1);
        }
        int number = parseVersion(version);
        Optional<StoredSchema> found = store.version(subject, number, includeDeleted);
        if (found.isEmpty()) {
            journal.catchUp();
            found = store.version(subject, number, includeDeleted);
        }
        return found.orElseThrow(() -> RegistryError.versionNotFound(subject, number));
    }

    private static boolean isLatest(String version) {
        return "latest".equalsIgnoreCase(version) || "-1".equals(version);
    }

    static int parseVersion(String version) {
        try {
            int number = Integer.parseInt(version);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw RegistryError.invalidVersion(version);
    }

    private Map<String, Object> describe(StoredSchema entry) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("subject", entry.subject());
        reply.put("version", entry.version());
        reply.put("id", entry.id());
        reply.put("schema", entry.schema());
        return reply;
    }

    private synchronized List<Integer> deleteSubject(Route route) {
        String subject = route.subject();
        boolean permanent = route.flag("permanent");
        journal.catchUp();
        List<StoredSchema> all = store.versions(subject, true);
        if (all.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        List<StoredSchema> live = store.versions(subject, false);
        if (permanent) {
            if (!live.isEmpty()) {
                throw new RegistryError(404, 40405, "Subject '" + subject + "' was not deleted first before being "
                        + "permanently deleted");
            }
            all.forEach(journal::purge);
            return all.stream().map(StoredSchema::version).toList();
        }
        if (live.isEmpty()) {
            throw new RegistryError(404, 40404, "Subject '" + subject + "' was soft deleted. Set permanent=true to "
                    + "delete permanently");
        }
        live.forEach(v -> journal.append(v.asDeleted()));
        return live.stream().map(StoredSchema::version).toList();
    }

    private synchronized int deleteVersion(Route route) {
        String subject = route.subject();
        boolean permanent = route.flag("permanent");
        journal.catchUp();
        StoredSchema entry = version(subject, route.version(), permanent);
        if (permanent) {
            if (!entry.deleted()) {
                throw new RegistryError(404, 40407, "Subject '" + subject + "' Version " + entry.version()
                        + " was not deleted first before being permanently deleted");
            }
            journal.purge(entry);
        } else {
            journal.append(entry.asDeleted());
        }
        return entry.version();
    }

    private String schemaText(String idText) {
        int id = parseId(idText);
        Optional<String> text = store.schemaText(id);
        if (text.isEmpty()) {
            journal.catchUp();
            text = store.schemaText(id);
        }
        return text.orElseThrow(() -> RegistryError.schemaNotFound("Schema " + id + " not found"));
    }

    private List<Map<String, Object>> usesOf(String idText) {
        schemaText(idText);
        return store.usesOf(parseId(idText)).stream()
                .map(v -> Map.<String, Object>of("subject", v.subject(), "version", v.version())).toList();
    }

    private static int parseId(String idText) {
        try {
            return Integer.parseInt(idText);
        } catch (NumberFormatException e) {
            throw RegistryError.schemaNotFound("Schema " + idText + " not found (ids are integers)");
        }
    }

    private Map<String, Object> subjectConfig(Route route) {
        Optional<CompatibilityLevel> level = store.subjectLevel(route.subject());
        if (level.isEmpty() && route.flag("defaultToGlobal")) {
            level = Optional.of(store.globalLevel());
        }
        return Map.of("compatibilityLevel", level.orElseThrow(() -> new RegistryError(404, 40408,
                "Subject '" + route.subject() + "' does not have subject-level compatibility configured")).name());
    }

    private Map<String, Object> putConfig(String subject, JsonNode body) {
        String text = body == null ? null : body.path("compatibility").asText(null);
        CompatibilityLevel level;
        try {
            level = CompatibilityLevel.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RegistryError(422, 42203, "Invalid compatibility level. " + e.getMessage());
        }
        journal.config(subject, level);
        return Map.of("compatibility", level.name());
    }

    private Map<String, Object> deleteConfig(String subject) {
        CompatibilityLevel previous = store.subjectLevel(subject).orElseThrow(() -> RegistryError.subjectNotFound(
                subject));
        journal.config(subject, null);
        return Map.of("compatibilityLevel", previous.name());
    }

    private Map<String, Object> compatibility(Route route, Schema schema) {
        String subject = route.subject();
        List<String> problems;
        if (isLatest(route.version())) {
            List<StoredSchema> live = store.versions(subject, false);
            if (live.isEmpty()) {
                journal.catchUp();
            }
            problems = store.compatibilityProblems(subject, schema);
        } else {
            StoredSchema against = version(subject, route.version(), false);
            Schema previous = store.schema(against.id()).orElseThrow();
            problems = dev.tralign.schemas.registry.CompatibilityChecker.problems(schema, List.of(previous),
                    store.effectiveLevel(subject));
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("is_compatible", problems.isEmpty());
        if (route.flag("verbose")) {
            reply.put("messages", problems);
        }
        return reply;
    }

    private static Schema schemaFrom(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new RegistryError(422, 42201, "Invalid schema: the request body must be a JSON object with a "
                    + "\"schema\" field");
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw RegistryError.invalidSchema("schemaType " + type + " is not supported; this registry holds AVRO "
                    + "schemas only");
        }
        if (body.path("references").size() > 0) {
            throw RegistryError.invalidSchema("schema references are not supported; inline the referenced types");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryError.invalidSchema("the \"schema\" field is missing or not a string");
        }
        try {
            return SchemaStore.parse(schema.asText());
        } catch (SchemaParseException | NullPointerException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
    }
}
