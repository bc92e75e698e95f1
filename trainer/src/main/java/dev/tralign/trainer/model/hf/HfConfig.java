package dev.tralign.trainer.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A model folder's {@code config.json} with typed reads whose errors name the file and the key. */
final class HfConfig {

    private final Path file;
    private final JsonNode root;

    HfConfig(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static HfConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist: a Hugging Face model folder needs its "
                    + "config.json");
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object");
            }
            return new HfConfig(file, root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    JsonNode root() {
        return root;
    }

    /** Present and not JSON null. */
    boolean has(String key) {
        return root.hasNonNull(key);
    }

    JsonNode node(String key) {
        return root.path(key);
    }

    int requireInt(String key) {
        if (!has(key)) {
            throw new IllegalArgumentException(file + ": key '" + key + "' is missing");
        }
        return intValue(key);
    }

    int intOr(String key, int fallback) {
        return has(key) ? intValue(key) : fallback;
    }

    private int intValue(String key) {
        JsonNode n = root.get(key);
        if (!n.canConvertToInt() || n.asDouble() != n.asInt()) {
            throw refuse(key, "must be an integer");
        }
        return n.asInt();
    }

    double doubleOr(String key, double fallback) {
        if (!has(key)) {
            return fallback;
        }
        if (!root.get(key).isNumber()) {
            throw refuse(key, "must be a number");
        }
        return root.get(key).asDouble();
    }

    boolean boolOr(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        if (!root.get(key).isBoolean()) {
            throw refuse(key, "must be true or false");
        }
        return root.get(key).asBoolean();
    }

    String stringOr(String key, String fallback) {
        return has(key) ? root.get(key).asText() : fallback;
    }

    /** An error naming this file, the key and its value, and what is supported. */
    IllegalArgumentException refuse(String key, String supported) {
        return new IllegalArgumentException(file + ": " + key + " = " + root.path(key) + " is not supported: "
                + supported);
    }
}
