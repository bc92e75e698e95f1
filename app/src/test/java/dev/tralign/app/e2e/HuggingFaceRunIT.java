package dev.tralign.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.tralign.ingest.file.FileImporter;
import dev.tralign.ingest.file.ImportSummary;
import dev.tralign.ingest.parse.Format;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.judge.RewardModelJudge;
import dev.tralign.evaluator.service.CheckpointEvaluation;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.StepResult;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainer.model.hf.ChatExampleEncoder;
import dev.tralign.trainer.model.hf.HfModelFolder;
import dev.tralign.trainer.model.hf.HfTokenizer;
import dev.tralign.trainerservice.Replay;
import dev.tralign.trainerservice.ReplayReport;
import dev.tralign.trainerservice.RunHistory;
import dev.tralign.trainerservice.RunSummary;
import dev.tralign.trainerservice.TrainerService;
import dev.tralign.trainerservice.config.RunConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A user's Hugging Face model end to end: Anthropic HH-RLHF pairs through ingest's file import, TR-DPO (soft) on a
 * small randomly initialised qwen2-architecture folder with Qwen3's real tokenizer (model.init=pretrained), checkpoints
 * committed with their reference updates, a replay that reproduces every checkpoint, the run exported back as a
 * Hugging Face folder that loads bit for bit, and the evaluator asking the trained policy and the initial model
 * through the chat template and judging them.
 */
@ExtendWith(EmbeddedStackExtension.class)
class HuggingFaceRunIT {

    private static final int PAIRS = 16;
    private static final int BATCH = 4;
    private static final int EPOCHS = 3;

    @Test
    void trDpoOnAHuggingFaceFolderTrainsReplaysAndExports(EmbeddedStack stack) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "hfrun");
        Path pairs = HfRunFixtures.hhRlhfPairs(dir, PAIRS);
        Topics topics = Topics.create(stack.registryUrl());
        stack.createTopics(topics, 1);
        ImportSummary imported = FileImporter.run(stack.bootstrapServers(), stack.registryUrl(), List.of(pairs),
                Format.HH_RLHF);
        assertThat(imported.accepted()).isEqualTo(PAIRS);

        Path model = HfRunFixtures.tinyQwen2(dir.resolve("qwen2-tiny"));

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("run.id", "hf-tr-dpo");
        settings.put("bootstrap.servers", stack.bootstrapServers());
        settings.put("schema.registry.url", stack.registryUrl());
        settings.put("checkpoint.dir", dir.resolve("ckpt").toString());
        settings.put("model.init", "pretrained");
        settings.put("model_name_or_path", model.toString());
        settings.put("model.max_seq_len", "64");
        settings.put("loss_type", "sigmoid");
        settings.put("beta", "0.1");
        settings.put("learning_rate", "0.001");
        settings.put("sync_ref_model", "true");
        settings.put("ref_model_mixup_alpha", "0.6");
        settings.put("ref_model_sync_steps", "2");
        settings.put("batch_size", Integer.toString(BATCH));
        settings.put("epochs", Integer.toString(EPOCHS));
        settings.put("checkpoint.every_steps", "4");
        List<StepResult> steps = new ArrayList<>();
        RunSummary summary;
        try (TrainerService trainer = new TrainerService(RunConfig.of(settings))) {
            trainer.addProgressListener(steps::add);
            summary = trainer.run();
        }
        int perEpoch = PAIRS / BATCH;
        assertThat(summary.steps()).isEqualTo((long) perEpoch * EPOCHS);
        assertThat(summary.deadLetters()).isZero();
        double firstLoss = mean(steps.subList(0, perEpoch), false);
        double lastLoss = mean(steps.subList(steps.size() - perEpoch, steps.size()), false);
        double firstMargin = mean(steps.subList(0, perEpoch), true);
        double lastMargin = mean(steps.subList(steps.size() - perEpoch, steps.size()), true);
        assertThat(lastLoss).as("mean DPO loss, last epoch vs first").isLessThan(firstLoss);
        assertThat(lastMargin).as("mean reward margin, last epoch vs first").isGreaterThan(firstMargin);

        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        List<CheckpointEvent> checkpoints = RunHistory.checkpoints(kafka, topics.checkpoints(), "hf-tr-dpo");
        // Every 4 steps, and the run's end (step 12 again, final).
        assertThat(checkpoints).extracting(CheckpointEvent::getStep).containsExactly(4L, 8L, 12L, 12L);
        CheckpointEvent last = checkpoints.get(checkpoints.size() - 1);
        assertThat(last.getFinal$()).isTrue();
        assertThat(last.getReferenceVersion()).as("soft updates every 2 steps").isEqualTo(6);

        ReplayReport replay = Replay.run(Map.of("bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.registryUrl(), "checkpoint.dir", dir.resolve("replay").toString()),
                "hf-tr-dpo", "hf-tr-dpo-replay");
        assertThat(replay.allMatch()).as(replay.toText()).isTrue();

        Path exported = dir.resolve("exported");
        HfRunFixtures.cli("export", "--run", "hf-tr-dpo", "--out", exported.toString(), "--bootstrap",
                stack.bootstrapServers(), "--registry", stack.registryUrl());
        assertThat(exported.resolve("tokenizer.json")).exists();
        try (Policy trained = Policy.load(Path.of(URI.create(last.getUri())));
                HfModelFolder.Loaded loaded = HfModelFolder.load(exported, 64, Device.cpu())) {
            assertThat(loaded.parameters().sha256()).isEqualTo(trained.digest());
        }

        // The evaluator asks the trained policy and the initial model through the chat template and judges them.
        List<String> prompts = List.of("\n\nHuman: How do I make tea?\n\nAssistant:", "Name a colour.",
                "\n\nHuman: Is it going to rain?\n\nAssistant:");
        try (HfTokenizer tokenizer = HfTokenizer.of(HfModelFolder.info(model));
                AlignmentTrainer initial = AlignmentTrainer.fromHuggingFace(model, 64,
                        TrainingConfig.builder().build());
                Policy sft = initial.policy();
                Policy trained = Policy.load(Path.of(URI.create(last.getUri())))) {
            ExampleEncoder chat = ChatExampleEncoder.of(model, tokenizer);
            CompletionCodec codec = new CompletionCodec(tokenizer, chat);
            int imStart = tokenizer.encode("<|im_start|>", false)[0];
            assertThat(codec.prompt(prompts.get(1))).as("a plain prompt is asked as one user turn")
                    .startsWith(imStart).containsExactly(chat.generationPrompt(prompts.get(1)));
            CheckpointEvaluation evaluation = new CheckpointEvaluation(codec, sft, prompts,
                    new RewardModelJudge("initial", sft, tokenizer), 12, 7);
            CheckpointEvaluation.Result result = evaluation.evaluate(trained, last.getStep());
            assertThat(result.winRate().nTotal()).isEqualTo(prompts.size());
            assertThat(result.klPerSequence()).isFinite();
        }
        topics.close();
    }

    private static double mean(List<StepResult> results, boolean margin) {
        return results.stream().mapToDouble(r -> margin ? r.metrics().get("rewards/margins") : r.loss()).average()
                .orElseThrow();
    }
}
