package dev.tralign.ingest.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Origin;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.ingest.parse.Rejection;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Streams records out of JSON lines or a JSON array, plain or gzip (detected by magic bytes, not by name), in
 * constant memory, handing each {@link Outcome} to a sink in input order. A UTF-8 BOM is skipped. Input that
 * cannot be read further (truncated gzip, broken array syntax) ends with one rejection saying where it stopped.
 */
public final class FeedbackReader {

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;
    private static final int PEEK_LIMIT = 64 * 1024;

    private final FeedbackParser parser;

    /** @param parser the rules each record goes through */
    public FeedbackReader(FeedbackParser parser) {
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    /** Reads a file; origins are "path line n" or "path element n". */
    public void read(Path file, String source, Consumer<Outcome> sink) throws IOException {
        readDeferred(file, source, parse -> sink.accept(parse.get()));
    }

    /** Reads a stream (not closed here). */
    public void read(InputStream raw, OriginFactory origins, String source, Consumer<Outcome> sink)
            throws IOException {
        readDeferred(raw, origins, source, parse -> sink.accept(parse.get()));
    }

    /**
     * Like {@link #read(Path, String, Consumer)}, but hands over each record's parse as a task, in input order,
     * so a caller may run the parses on several threads (the reading itself stays sequential).
     */
    public void readDeferred(Path file, String source, Consumer<Supplier<Outcome>> sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            readDeferred(in, OriginFactory.forFile(file.toString()), source, sink);
        }
    }

    /** Stream form of {@link #readDeferred(Path, String, Consumer)}. */
    public void readDeferred(InputStream raw, OriginFactory origins, String source,
                             Consumer<Supplier<Outcome>> deferredSink) throws IOException {
        Sink sink = deferredSink::accept;
        try {
            BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
            // No BufferedInputStream over the gzip stream: it would swallow the bytes decoded just before a
            // truncation error; a PushbackInputStream hands every decoded byte to the reader first.
            InputStream decoded = startsWith(in, GZIP_MAGIC_1, GZIP_MAGIC_2) ? new GZIPInputStream(in, 64 * 1024) : in;
            PushbackInputStream text = new PushbackInputStream(decoded, PEEK_LIMIT);
            if (startsWith(text, 0xFE, 0xFF) || startsWith(text, 0xFF, 0xFE)) {
                sink.now(reject(ErrorClass.INVALID_UTF8, "the input is UTF-16 (it starts with a UTF-16 byte order "
                        + "mark); save it as UTF-8", origins.line(1), new byte[0]));
                return;
            }
            if (startsWith(text, 0xEF, 0xBB, 0xBF)) {
                text.skipNBytes(3);
            }
            if (firstNonWhitespace(text) == '[') {
                try {
                    readArray(text, origins, source, sink);
                } catch (StrictUtf8InputStream.InvalidBytesException e) {
                    sink.now(invalidBytes(origins.element(1), e)); // thrown while the parser read its first bytes
                }
            } else {
                readLines(text, origins, source, sink);
            }
        } catch (EOFException | ZipException e) {
            sink.now(truncated(origins.line(1), e, new byte[0]));
        }
    }

    private void readLines(InputStream in, OriginFactory origins, String source, Sink sink)
            throws IOException {
        BoundedLineReader lines = new BoundedLineReader(in, parser.limits().maxRecordBytes());
        long number = 0;
        while (true) {
            BoundedLineReader.Line line;
            try {
                line = lines.next();
            } catch (EOFException | ZipException e) {
                sink.now(truncated(origins.line(number + 1), e, lines.partialLine()));
                return;
            }
            if (line == null) {
                return;
            }
            number++;
            if (isBlank(line.bytes()) && !line.oversized()) {
                continue;
            }
            Origin origin = origins.line(number);
            sink.accept(line.oversized() ? () -> parser.oversized(line.bytes(), line.length(), origin)
                    : () -> parser.parse(line.bytes(), origin, source));
        }
    }

    private void readArray(InputStream in, OriginFactory origins, String source, Sink sink)
            throws IOException {
        long element = 0;
        // The strict mapper fails on trailing tokens, which inside an array are simply the next elements.
        ObjectReader elementReader = parser.mapper().reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        try (JsonParser json = parser.mapper().getFactory().createParser(new StrictUtf8InputStream(in))) {
            json.nextToken();
            while (true) {
                JsonToken token;
                try {
                    token = json.nextToken();
                    if (token == JsonToken.END_ARRAY) {
                        if (json.nextToken() != null) {
                            sink.now(reject(ErrorClass.MALFORMED_JSON, "there is content after the closing ']' of "
                                    + "the array; a file holds one array or JSON lines", origins.element(element + 1),
                                    new byte[0]));
                        }
                        return;
                    }
                    if (token == null) {
                        throw new JsonEOFException(json, null, "the array is not closed with ']'");
                    }
                    element++;
                    long start = json.currentTokenLocation().getByteOffset();
                    JsonNode node = elementReader.readTree(json);
                    long size = json.currentLocation().getByteOffset() - start;
                    byte[] bytes = node.toString().getBytes(StandardCharsets.UTF_8);
                    Origin origin = origins.element(element);
                    sink.accept(size > parser.limits().maxRecordBytes() ? () -> parser.oversized(bytes, size, origin)
                            : () -> parser.parseNode(node, bytes, origin, source));
                } catch (StrictUtf8InputStream.InvalidBytesException e) {
                    sink.now(invalidBytes(origins.element(Math.max(element, 1)), e));
                    return;
                } catch (JsonEOFException e) {
                    sink.now(truncated(origins.element(Math.max(element, 1)), e, new byte[0]));
                    return;
                } catch (JsonProcessingException e) {
                    boolean utf8 = e.getOriginalMessage().contains("UTF-8") || e.getOriginalMessage().contains("UTF8");
                    sink.now(reject(utf8 ? ErrorClass.INVALID_UTF8 : ErrorClass.MALFORMED_JSON,
                            "the array cannot be read from here on (" + e.getOriginalMessage().lines().findFirst()
                                    .orElse("") + "); fix the JSON at byte " + e.getLocation().getByteOffset()
                                    + " and import again (earlier elements were read); see docs/ingest.md",
                            origins.element(Math.max(element, 1)), new byte[0]));
                    return;
                } catch (EOFException | ZipException e) {
                    sink.now(truncated(origins.element(element + 1), e, new byte[0]));
                    return;
                }
            }
        }
    }

    private static Outcome invalidBytes(Origin origin, StrictUtf8InputStream.InvalidBytesException e) {
        return reject(ErrorClass.INVALID_UTF8, "the array cannot be read from here on: " + e.getMessage()
                + "; save the input as UTF-8 without control bytes and import again (earlier elements were read)",
                origin, new byte[0]);
    }

    /** Where records go: parse tasks, or outcomes known without parsing. */
    @FunctionalInterface
    private interface Sink {
        void accept(Supplier<Outcome> parse);

        default void now(Outcome outcome) {
            accept(() -> outcome);
        }
    }

    private static Outcome truncated(Origin origin, IOException e, byte[] partial) {
        return reject(ErrorClass.TRUNCATED_INPUT, "the input ends early (" + e.getMessage() + "); the file looks "
                + "truncated or corrupt; records before this point were read; re-copy the file and import it again",
                origin, partial);
    }

    private static Outcome reject(ErrorClass errorClass, String reason, Origin origin, byte[] bytes) {
        return new Outcome.Rejected(new Rejection(errorClass, null, reason, origin, bytes));
    }

    private static boolean startsWith(BufferedInputStream in, int first, int second) throws IOException {
        in.mark(2);
        int a = in.read();
        int b = in.read();
        in.reset();
        return a == first && b == second;
    }

    /** True if the stream starts with the given bytes; nothing is consumed. */
    private static boolean startsWith(PushbackInputStream in, int... expected) throws IOException {
        byte[] head = in.readNBytes(expected.length);
        in.unread(head);
        if (head.length < expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((head[i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first byte that is not JSON whitespace (looking at most PEEK_LIMIT bytes ahead); nothing is consumed. */
    private static int firstNonWhitespace(PushbackInputStream in) throws IOException {
        byte[] seen = new byte[PEEK_LIMIT];
        int count = 0;
        int c;
        do {
            c = in.read();
            if (c >= 0) {
                seen[count++] = (byte) c;
            }
        } while ((c == ' ' || c == '\t' || c == '\r' || c == '\n') && count < PEEK_LIMIT);
        in.unread(seen, 0, count);
        return c;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
