package dev.tralign.ingest;

import static dev.tralign.config.ConfigKey.Validator.any;

import dev.tralign.config.ConfigType;
import dev.tralign.config.KeyTable;
import dev.tralign.config.Settings;
import dev.tralign.ingest.http.HttpIngestConfig;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import java.nio.file.Path;

/**
 * Ingest's settings as documented keys ({@link KeyTable}): what the CLI offers as options ({@code max_body_bytes}
 * is {@code --max-body-bytes}, or {@code TRALIGN_MAX_BODY_BYTES}) and lists for {@code --list-keys}. The tables
 * parse and document; the ranges and the rules between keys are the records' ({@link IngestLimits},
 * {@link HttpIngestConfig}), which library callers build directly and which name the options in their messages.
 */
public final class IngestKeys {

    public static final String MAX_TEXT_BYTES = "max_text_bytes";
    public static final String MAX_RECORD_BYTES = "max_record_bytes";
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String MAX_BODY_BYTES = "max_body_bytes";
    public static final String MAX_RECORDS = "max_records";
    public static final String MAX_IN_FLIGHT = "max_in_flight";
    public static final String MAX_BUFFERED_BYTES = "max_buffered_bytes";
    public static final String READ_TIMEOUT = "read_timeout";
    public static final String REQUEST_TIMEOUT = "request_timeout";
    public static final String MAX_CONNECTIONS = "max_connections";
    public static final String FORMAT = "format";
    public static final String STATE_DIR = "state_dir";

    /** The record and text size limits every ingest path applies the same way (file, serve, normalise). */
    public static final KeyTable LIMITS = KeyTable.builder("ingest limits")
            .key(MAX_TEXT_BYTES, ConfigType.INT, IngestLimits.DEFAULTS.maxTextBytes(), any(),
                    "Largest prompt/answer/completion in UTF-8 bytes; longer ones are dead-lettered.")
            .key(MAX_RECORD_BYTES, ConfigType.INT, IngestLimits.DEFAULTS.maxRecordBytes(), any(),
                    "Largest record (a JSON line, an array element, a single object, a raw-topic record) in bytes, "
                            + "at least max_text_bytes; longer ones are dead-lettered.")
            .build();

    /** The HTTP front door (ingest serve). */
    public static final KeyTable HTTP = KeyTable.builder("ingest serve")
            .key(HOST, ConfigType.STRING, "127.0.0.1", any(),
                    "Address to bind: 127.0.0.1 (local) or 0.0.0.0 (all interfaces).")
            .key(PORT, ConfigType.INT, 8090, any(), "HTTP port (0 = any free port).")
            .key(MAX_BODY_BYTES, ConfigType.INT, HttpIngestConfig.DEFAULT_MAX_BODY_BYTES, any(),
                    "Largest request body, at least 1024; larger ones get 413.")
            .key(MAX_RECORDS, ConfigType.INT, HttpIngestConfig.DEFAULT_MAX_RECORDS, any(),
                    "Most records in one request; more get 413.")
            .key(MAX_IN_FLIGHT, ConfigType.INT, HttpIngestConfig.DEFAULT_MAX_IN_FLIGHT, any(),
                    "Records waiting for the broker at once, at least max_records; a request that does not fit "
                            + "gets 429.")
            .key(MAX_BUFFERED_BYTES, ConfigType.LONG, HttpIngestConfig.DEFAULT_MAX_BUFFERED_BYTES, any(),
                    "Bytes of request bodies held at once, taken as they arrive, at least max_body_bytes; when "
                            + "spent, 429.")
            .key(READ_TIMEOUT, ConfigType.DURATION, HttpIngestConfig.DEFAULT_READ_TIMEOUT, any(),
                    "Longest pause in a request's bytes, or of an idle connection, before 408 and close "
                            + "(at least 100ms).")
            .key(REQUEST_TIMEOUT, ConfigType.DURATION, HttpIngestConfig.DEFAULT_REQUEST_TIMEOUT, any(),
                    "Longest time from a request's first byte to its answer, broker acknowledgement included "
                            + "(at least read_timeout).")
            .key(MAX_CONNECTIONS, ConfigType.INT, HttpIngestConfig.DEFAULT_MAX_CONNECTIONS, any(),
                    "Open connections at most; past it new ones wait until one closes.")
            .build();

    /** Importing files (ingest file). */
    public static final KeyTable FILE = KeyTable.builder("ingest file")
            .key(FORMAT, ConfigType.STRING, "auto", any(),
                    "auto, preference, conversational, hh-rlhf or binary (see docs/ingest.md).")
            .build();

    /** The raw-topic topology (ingest normalise). */
    public static final KeyTable NORMALISE = KeyTable.builder("ingest normalise")
            .key(STATE_DIR, ConfigType.STRING, ".tralign/ingest-streams", any(), "Kafka Streams state directory.")
            .build();

    private IngestKeys() {
    }

    public static IngestLimits limits(Settings s) {
        return new IngestLimits(s.integer(MAX_TEXT_BYTES), s.integer(MAX_RECORD_BYTES));
    }

    /** The front door's config; {@code bearerToken} null = no auth. */
    public static HttpIngestConfig http(Settings s, IngestLimits limits, String bearerToken) {
        return new HttpIngestConfig(s.string(HOST), s.integer(PORT), bearerToken, s.integer(MAX_BODY_BYTES),
                s.integer(MAX_IN_FLIGHT), limits, s.integer(MAX_RECORDS), s.longValue(MAX_BUFFERED_BYTES),
                s.duration(READ_TIMEOUT), s.duration(REQUEST_TIMEOUT), s.integer(MAX_CONNECTIONS));
    }

    public static Format format(Settings s) {
        return Format.fromOption(s.string(FORMAT));
    }

    public static Path stateDir(Settings s) {
        return Path.of(s.string(STATE_DIR));
    }
}
