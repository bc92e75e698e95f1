package dev.tralign.ingest.parse;

/**
 * Where a record came from: a file line (or array element), a Kafka record, or an HTTP request element.
 * Exactly one family of fields is set; {@link #describe()} is the human-readable form used in reasons.
 */
public record Origin(String file, Long line, String topic, Integer partition, Long offset, String requestId,
                     Integer index) {

    /** A 1-based line of a JSON-lines file, or a 1-based element of a JSON array file. */
    public static Origin fileLine(String file, long line) {
        return new Origin(file, line, null, null, null, null, null);
    }

    /** A 1-based element of a JSON array file. */
    public static Origin fileElement(String file, long element) {
        return new Origin(file, null, null, null, null, null, Math.toIntExact(element));
    }

    /** A record of a Kafka topic. */
    public static Origin kafka(String topic, int partition, long offset) {
        return new Origin(null, null, topic, partition, offset, null, null);
    }

    /** The 0-based element of an HTTP request body. */
    public static Origin http(String requestId, int index) {
        return new Origin(null, null, null, null, null, requestId, index);
    }

    /** For file origins the 1-based line or element (the import's progress position), else null. */
    public Long filePosition() {
        if (file == null) {
            return null;
        }
        return line != null ? line : Long.valueOf(index);
    }

    /** "file.jsonl line 17", "tralign.raw/0@42" or "request 7f3a... record 3". */
    public String describe() {
        if (file != null) {
            return line != null ? file + " line " + line : file + " element " + index;
        }
        if (topic != null) {
            return topic + "/" + partition + "@" + offset;
        }
        return "request " + requestId + " record " + index;
    }
}
