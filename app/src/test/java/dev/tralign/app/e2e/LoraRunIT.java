package dev.tralign.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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

    @Test
    void trDpoOnAdaptersReplaysBitForBitAndExportsAsPeftAndMerged(EmbeddedStack stack) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "lorarun");
        Path pairs = HfRunFixtures.hhRlhfPairs(dir, PAIRS);
        Topics topics = Topics.create(stack.registryUrl());
        stack.createTopics(topics, 1);
        assertThat(FileImporter.run(stack.bootstrapServers(), stack.registryUrl(), List.of(pairs), Format.HH_RLHF)
                .accepted()).isEqualTo(PAIRS);

        Path model = HfRunFixtures.tinyQwen2(dir.resolve("qwen2-tiny"));

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
        HfRunFixtures.cli("export", "--run", "lora-tr-dpo", "--peft", "--out", peft.toString(),
                "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl());
        assertThat(peft.resolve("adapter_model.safetensors")).exists();
        Path merged = dir.resolve("merged");
        HfRunFixtures.cli("export", "--run", "lora-tr-dpo", "--merged", "--reference", "--out", merged.toString(),
                "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl());
        assertThat(merged.resolve("model.safetensors")).exists();
        assertThat(merged.resolve("tokenizer.json")).exists();
        topics.close();
    }
}
