package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tralign export --peft | --merged} of a LoRA run's checkpoint, and the refusals that name the fix. */
class LoraExportCommandTest {

    private final CliRun cli = new CliRun();

    @TempDir
    Path tmp;

    @Test
    void exportsAdaptersAsPeftOrMergedAndRefusesTheWrongForm() {
        Path checkpoint = tmp.resolve("step-2.ckpt");
        TrainingConfig config = TrainingConfig.builder().lossType("sigmoid").learningRate(1e-2).seed(3).build();
        List<TokenizedPair> pairs = List.of(new TokenizedPair("a", new int[] {5, 6, 7}, new int[] {8, 9},
                new int[] {10, 11}), new TokenizedPair("b", new int[] {12, 13}, new int[] {14}, new int[] {15, 16}));
        LoraConfig lora = new LoraConfig(4, 8, 0, List.of("c_attn", "c_fc"), false, LoraConfig.ReferenceMix.EXACT);
        List<TokenizedExample> examples = List.of(new TokenizedExample("e", new int[] {5, 6, 7}, new int[] {8, 9}));
        try (AlignmentTrainer trainer = AlignmentTrainer.fromHuggingFace(CliRun.hfTiny("gpt2"), 16, config, lora)) {
            trainer.stepPairs(pairs);
            trainer.stepPairs(pairs);
            trainer.saveCheckpoint(checkpoint);
        }
        Path peft = tmp.resolve("peft");
        assertThat(cli.run("export", "--checkpoint", checkpoint.toString(), "--peft", "--out", peft.toString()))
                .as(cli.err()).isZero();
        assertThat(peft.resolve("adapter_config.json")).exists();
        assertThat(peft.resolve("adapter_model.safetensors")).exists();

        Path merged = tmp.resolve("merged");
        assertThat(cli.run("export", "--checkpoint", checkpoint.toString(), "--merged", "--out", merged.toString()))
                .as(cli.err()).isZero();
        try (Policy trained = Policy.load(checkpoint);
                HfModelFolder.Loaded loaded = HfModelFolder.load(merged, 16, Device.cpu());
                Policy mergedPolicy = Policy.of(loaded)) {
            double adapted = trained.completionLogProbs(examples)[0];
            assertThat(mergedPolicy.completionLogProbs(examples)[0]).isCloseTo(adapted,
                    org.assertj.core.data.Offset.offset(1e-4));
        }

        assertThat(cli.run("export", "--checkpoint", checkpoint.toString(), "--peft", "--merged", "--out",
                tmp.resolve("both").toString())).as("one form at a time").isEqualTo(2);
        assertThat(cli.run("export", "--checkpoint", checkpoint.toString(), "--peft", "--reference", "--out",
                tmp.resolve("ref").toString())).isEqualTo(1);
        assertThat(cli.err()).contains("--merged --reference");
    }
}
