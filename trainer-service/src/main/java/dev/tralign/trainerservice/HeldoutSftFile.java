package dev.tralign.trainerservice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.trainerservice.config.RunConfigDef;
import dev.tralign.trainerservice.config.RunConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the held-out SFT set of metrics.heldout_sft.file: JSONL (gzip when the name ends in .gz), one object per
 * line with string fields {@code prompt} and {@code completion} (TRL's prompt-completion format), or a preference
 * pair's {@code prompt} and {@code chosen} (the completion a person preferred is SFT-quality text). Blank lines are
 * skipped. Every problem is refused at start, naming the key, the file and the line.
 */
final class HeldoutSftFile {

    /** One (prompt, completion) of the set and the line it came from. */
    record Text(String prompt, String completion, int line) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private HeldoutSftFile() {
    }

    /** The file's records, in order; at most {@code maxExamples} of them. */
    static List<Text> read(Path file, int maxExamples) {
        List<Text> texts = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8))) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                if (texts.size() == maxExamples) {
                    throw problem(file, lineNumber, "the file holds more than "
                            + RunConfigDef.METRICS_HELDOUT_SFT_MAX_EXAMPLES + "=" + maxExamples + " records: score a "
                            + "sample of the set, or raise " + RunConfigDef.METRICS_HELDOUT_SFT_MAX_EXAMPLES);
                }
                texts.add(parse(file, lineNumber, line));
            }
        } catch (NoSuchFileException e) {
            throw new RunConfigException(RunConfigDef.METRICS_HELDOUT_SFT_FILE + "=" + file + " does not exist: give "
                    + "the path of a JSONL file of {\"prompt\", \"completion\"} records");
        } catch (IOException e) {
            throw new RunConfigException(RunConfigDef.METRICS_HELDOUT_SFT_FILE + "=" + file + " cannot be read ("
                    + e.getMessage() + "): give a readable JSONL file");
        }
        if (texts.isEmpty()) {
            throw new RunConfigException(RunConfigDef.METRICS_HELDOUT_SFT_FILE + "=" + file + " holds no records: "
                    + "give at least one {\"prompt\", \"completion\"} line, or set "
                    + RunConfigDef.METRICS_HELDOUT_SFT_EVERY_STEPS + "=0");
        }
        return texts;
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }

    private static Text parse(Path file, int lineNumber, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw problem(file, lineNumber, "not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw problem(file, lineNumber, "not a JSON object");
        }
        String completionField = node.has("completion") ? "completion" : "chosen";
        JsonNode prompt = node.get("prompt");
        JsonNode completion = node.get(completionField);
        if (prompt == null || completion == null) {
            throw problem(file, lineNumber, "needs the string fields \"prompt\" and \"completion\" (or a preference "
                    + "pair's \"chosen\"); it has " + fieldNames(node));
        }
        if (!prompt.isTextual() || !completion.isTextual()) {
            throw problem(file, lineNumber, "\"prompt\" and \"" + completionField + "\" must be strings "
                    + "(conversational message lists are not read here): give the text as the model sees it");
        }
        return new Text(prompt.asText(), completion.asText(), lineNumber);
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "no fields" : String.join(", ", names);
    }

    private static RunConfigException problem(Path file, int line, String what) {
        return new RunConfigException(RunConfigDef.METRICS_HELDOUT_SFT_FILE + "=" + file + " line " + line + ": "
                + what);
    }
}
