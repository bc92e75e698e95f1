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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tralign export --checkpoint}: a Hugging Face run's checkpoint back out as a folder that loads bit for bit. */
class ExportCommandTest {

    private final CliRun cli = new CliRun();

    @TempDir
    Path tmp;

    private int run(String... args) {
        return cli.run(args);
    }

    private static Path hfTiny(String model) {
        return CliRun.hfTiny(model);
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
                .as(cli.err()).isZero();
        JsonNode line = new ObjectMapper().readTree(cli.out());
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
        assertThat(cli.err()).contains("built-in GPT").contains("model_name_or_path");
        assertThat(run("export", "--out", tmp.resolve("x").toString())).as("--run or --checkpoint").isEqualTo(2);
    }
}
