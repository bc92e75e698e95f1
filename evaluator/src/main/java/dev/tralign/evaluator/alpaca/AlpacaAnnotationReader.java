package dev.tralign.evaluator.alpaca;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads AlpacaEval annotation files: a JSON list of objects with instruction, output_1, output_2, generator_1,
 * generator_2 and preference; gzip-compressed or plain (detected by the gzip magic bytes, not the file name).
 *
 * <p>Python's json module writes NaN as a bare {@code NaN}; it is accepted and read as a missing preference,
 * as are {@code null} and strings that are not numbers.
 */
public final class AlpacaAnnotationReader {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private AlpacaAnnotationReader() {
    }

    /** Reads one file. */
    public static List<AlpacaAnnotation> read(Path file) {
        try (InputStream in = open(file); JsonParser parser = MAPPER.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException(file + ": expected a JSON list of annotations (AlpacaEval "
                        + "*.annotations.json), found " + parser.currentToken());
            }
            List<AlpacaAnnotation> annotations = new ArrayList<>();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                annotations.add(toAnnotation(MAPPER.readTree(parser), file, annotations.size()));
            }
            return annotations;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read AlpacaEval annotations from " + file, e);
        }
    }

    /** Reads several files, in order. */
    public static List<AlpacaAnnotation> readAll(List<Path> files) {
        List<AlpacaAnnotation> all = new ArrayList<>();
        for (Path file : files) {
            all.addAll(read(file));
        }
        return all;
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        boolean gzip = b1 == 0x1f && b2 == 0x8b;
        return gzip ? new GZIPInputStream(in) : in;
    }

    private static AlpacaAnnotation toAnnotation(JsonNode node, Path file, int index) {
        String generator2 = text(node, "generator_2");
        if (generator2 == null) {
            throw new IllegalArgumentException(file + ": annotation #" + index
                    + " has no generator_2 (the candidate's name); is this an AlpacaEval annotations file?");
        }
        return new AlpacaAnnotation(text(node, "instruction"), text(node, "output_1"), text(node, "output_2"),
                text(node, "generator_1"), generator2, preference(node.get("preference")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Double preference(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            try {
                return Double.valueOf(value.asText().trim());
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }
}
