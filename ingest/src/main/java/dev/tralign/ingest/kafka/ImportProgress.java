package dev.tralign.ingest.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How far the import of one file (identified by its sha256) got: every record up to {@code position}
 * (a 1-based line or array element) is published, in the same transaction as this progress record.
 *
 * @param file     the file name, for people reading the topic
 * @param position last published line/element
 * @param complete true once the whole file was published
 */
public record ImportProgress(String file, long position, boolean complete) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Nothing published yet. */
    public static ImportProgress none(String file) {
        return new ImportProgress(file, 0, false);
    }

    /** JSON form stored on the progress topic. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(JSON.createObjectNode().put("file", file).put("position", position)
                    .put("complete", complete));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@link #toJson()}. */
    public static ImportProgress fromJson(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            return new ImportProgress(node.path("file").asText(), node.path("position").asLong(),
                    node.path("complete").asBoolean());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable import progress record", e);
        }
    }
}
