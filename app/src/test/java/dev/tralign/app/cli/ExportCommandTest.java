package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tralign export --checkpoint}: a Hugging Face run's checkpoint back out as a folder that loads bit for bit. */
class ExportCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path tmp;

    private int run(String... args) {
        CommandLine cli = TralignCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static Path hfTiny(String model) {
        for (Path p : List.of(Path.of("../../shared/data/hf-tiny"), Path.of("../shared/data/hf-tiny"))) {
            if (Files.isDirectory(p)) {
                return p.resolve(model);
            }
        }
        throw new IllegalStateException("hf-tiny fixtures not found beside the checkout (../shared/data/hf-tiny)");
    }

    @Test
    void exportsThePolicyOfAHuggingFaceRunAndRefusesOtherRuns() throws Exception {
        Path checkpoint = tmp.resolve("step-2.ckpt");
        TrainingConfig config = TrainingConfig.builder().lossType("sigmoid").learningRate(1e-3).seed(3).build();
        List<TokenizedPair> pairs = List.of(new TokenizedPair("a", new int[] {5, 6, 7}, new int[] {8, 9},
                new int[] {10, 11}), new TokenizedPair("b", new int[] {12, 13}, new int[] {14}, new int[] {15, 16}));
        try (AlignmentTrainer trainer = AlignmentTrainer.fromHuggingFace(hfTiny("llama-gqa"), 16, config)) {
            trainer.stepPairs(pairs);
            trainer.stepPairs(pairs);
            trainer.saveCheckpoint(checkpoint);
        }
        Path folder = tmp.resolve("exported");
        assertThat(run("export", "--checkpoint", checkpoint.toString(), "--out", folder.toString()))
                .as(err.toString()).isZero();
        JsonNode line = new ObjectMapper().readTree(out.toString());
        assertThat(line.path("weights").asText()).isEqualTo("policy");
        assertThat(folder.resolve("config.json")).exists();
        assertThat(folder.resolve("model.safetensors")).exists();
        try (Policy trained = Policy.load(checkpoint);
                HfModelFolder.Loaded loaded = HfModelFolder.load(folder, 16, Device.cpu())) {
            assertThat(loaded.parameters().sha256()).isEqualTo(trained.digest());
        }

        Path gpt = tmp.resolve("gpt.ckpt");
        try (AlignmentTrainer trainer = AlignmentTrainer.create(new ModelConfig(32, 16, 1, 2, 16), config)) {
            trainer.stepPairs(pairs);
            trainer.saveCheckpoint(gpt);
        }
        assertThat(run("export", "--checkpoint", gpt.toString(), "--out", tmp.resolve("gpt").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("built-in GPT").contains("model_name_or_path");
        assertThat(run("export", "--out", tmp.resolve("x").toString())).as("--run or --checkpoint").isEqualTo(2);
    }
}
