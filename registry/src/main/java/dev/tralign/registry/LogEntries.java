package dev.tralign.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.schemas.registry.CompatibilityLevel;
import dev.tralign.schemas.registry.StoredSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The JSON keys and values of the {@code _schemas} log, close to Confluent's layout
 * ({@code {"keytype":"SCHEMA","subject":...,"version":...}}). Keys also carry the id and a fingerprint of the
 * schema so two conflicting proposals never share a key: compaction keeps both and every replica replays the same
 * first-writer-wins decision.
 */
final class LogEntries {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A decoded log record. */
    sealed interface Entry permits SchemaEntry, SchemaPurge, ConfigEntry, Unreadable {
    }

    /** A schema version (new, or re-written as soft-deleted). */
    record SchemaEntry(StoredSchema schema) implements Entry {
    }

    /** A tombstone: the version is deleted for good. */
    record SchemaPurge(String subject, int version) implements Entry {
    }

    /** A compatibility level; a null subject is the global level, a null level removes the setting. */
    record ConfigEntry(String subject, CompatibilityLevel level) implements Entry {
    }

    /** A record this registry does not understand; it is skipped, never fatal. */
    record Unreadable(String reason) implements Entry {
    }

    private LogEntries() {
    }

    static byte[] schemaKey(StoredSchema entry) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "SCHEMA");
        key.put("subject", entry.subject());
        key.put("version", entry.version());
        key.put("magic", 1);
        key.put("id", entry.id());
        key.put("fingerprint", fingerprint(entry.schema()));
        return bytes(key);
    }

    static byte[] schemaValue(StoredSchema entry) {
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", entry.subject());
        value.put("version", entry.version());
        value.put("id", entry.id());
        value.put("schema", entry.schema());
        value.put("deleted", entry.deleted());
        return bytes(value);
    }

    static byte[] configKey(String subject) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "CONFIG");
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        key.put("magic", 0);
        return bytes(key);
    }

    static byte[] configValue(CompatibilityLevel level) {
        if (level == null) {
            return null;
        }
        ObjectNode value = JSON.createObjectNode();
        value.put("compatibilityLevel", level.name());
        return bytes(value);
    }

    static Entry decode(byte[] keyBytes, byte[] valueBytes) {
        try {
            JsonNode key = keyBytes == null ? null : JSON.readTree(keyBytes);
            if (key == null || !key.isObject()) {
                return new Unreadable("key is not a JSON object");
            }
            String type = key.path("keytype").asText();
            JsonNode value = valueBytes == null ? null : JSON.readTree(valueBytes);
            switch (type) {
                case "SCHEMA" -> {
                    if (value == null) {
                        return new SchemaPurge(key.path("subject").asText(), key.path("version").asInt());
                    }
                    return new SchemaEntry(new StoredSchema(value.path("subject").asText(),
                            value.path("version").asInt(), value.path("id").asInt(), value.path("schema").asText(),
                            value.path("deleted").asBoolean(false)));
                }
                case "CONFIG" -> {
                    String subject = key.path("subject").isTextual() ? key.path("subject").asText() : null;
                    CompatibilityLevel level = value == null ? null
                            : CompatibilityLevel.parse(value.path("compatibilityLevel").asText());
                    return new ConfigEntry(subject, level);
                }
                default -> {
                    return new Unreadable("keytype '" + type + "' is not used by this registry");
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return new Unreadable(e.getMessage());
        }
    }

    private static String fingerprint(String schema) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(schema.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
