package dev.tralign.app.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.app.world.SyntheticWorld;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's reference task: a held-out SFT set of the world ({@link SyntheticWorld#heldoutSftSamples}, a stream
 * apart from the SFT, preference and eval data) written as the trainer's metrics.heldout_sft.file, scored every
 * {@link #EVERY_STEPS} steps. Small, so the demo stays as fast: {@link #EXAMPLES} examples are one 64-row forward
 * of the demo's model without gradients.
 */
final class ReferenceTask {

    static final int EXAMPLES = 64;
    static final int EVERY_STEPS = 20;
    static final String FILE = "heldout-sft.jsonl";

    private ReferenceTask() {
    }

    /** Writes the set as JSONL {"prompt", "completion"} lines into {@code dir}; returns the file. */
    static Path write(SyntheticWorld world, Path dir) {
        Path file = dir.resolve(FILE);
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String[] sample : world.heldoutSftSamples(EXAMPLES)) {
                Map<String, String> line = new LinkedHashMap<>();
                line.put("prompt", sample[0]);
                line.put("completion", sample[1]);
                out.write(json.writeValueAsString(line));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the held-out SFT set " + file, e);
        }
        return file;
    }
}
