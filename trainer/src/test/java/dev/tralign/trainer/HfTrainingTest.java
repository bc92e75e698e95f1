package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;

import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.SplitMix64;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TR-DPO on a Hugging Face model folder through the trainer: it learns, its checkpoints resume bit for bit,
 * {@link Policy#load} of such a checkpoint rebuilds the same model (the decoder's spec travels in the header), and
 * the policy and the moving reference export as Hugging Face folders that load back bit for bit.
 */
class HfTrainingTest {

    private static Path hfTiny(String model) {
        for (Path p : List.of(Path.of("../../shared/data/hf-tiny"), Path.of("../shared/data/hf-tiny"))) {
            if (Files.isDirectory(p)) {
                return p.resolve(model);
            }
        }
        throw new IllegalStateException("hf-tiny fixtures not found beside the checkout (../shared/data/hf-tiny)");
    }

    /** Pairs over the model's 512-token vocabulary: a prompt, and two different completions. */
    private static List<TokenizedPair> pairs(long seed, int count) {
        SplitMix64 random = new SplitMix64(seed);
        List<TokenizedPair> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new TokenizedPair("p" + seed + "-" + i, TinyData.tokens(random, 5, 512),
                    TinyData.tokens(random, 4, 512), TinyData.tokens(random, 4, 512)));
        }
        return out;
    }

    private static TrainingConfig trDpo() {
        return TrainingConfig.builder().lossType("sigmoid").beta(0.1).learningRate(1e-3).syncRefModel(true)
                .refModelMixupAlpha(0.6).refModelSyncSteps(2).seed(7).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "gpt-neox", "gpt2"})
    void trDpoLearnsResumesBitForBitAndLoadsBack(String name, @TempDir Path dir) {
        Path folder = hfTiny(name);
        List<TokenizedPair> batch = pairs(1, 4);
        String uninterrupted;
        double firstLoss;
        double lastLoss;
        double lastMargin;
        try (AlignmentTrainer trainer = AlignmentTrainer.fromHuggingFace(folder, 16, trDpo())) {
            StepResult first = trainer.stepPairs(batch);
            firstLoss = first.loss();
            StepResult last = first;
            for (int i = 1; i < 6; i++) {
                last = trainer.stepPairs(batch);
            }
            lastLoss = last.loss();
            lastMargin = last.metrics().get("rewards/margins");
            assertThat(last.referenceUpdate()).as("TR update at step 6 (tau 2)").isPresent();
            uninterrupted = trainer.policy().digest();
        }
        // Policy == reference at the start: the loss is ln 2; six steps on one batch must lower it.
        assertThat(firstLoss).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(lastLoss).isLessThan(firstLoss - 0.05);
        assertThat(lastMargin).isPositive();

        Path checkpoint = dir.resolve("step-3.ckpt");
        double[] liveScores;
        List<TokenizedExample> examples = List.of(new TokenizedExample("e", batch.get(0).prompt(),
                batch.get(0).chosen()));
        try (AlignmentTrainer trainer = AlignmentTrainer.fromHuggingFace(folder, 16, trDpo())) {
            for (int i = 0; i < 3; i++) {
                trainer.stepPairs(batch);
            }
            SavedCheckpoint saved = trainer.saveCheckpoint(checkpoint);
            assertThat(saved.step()).isEqualTo(3);
            liveScores = trainer.policy().completionLogProbs(examples);
        }
        try (AlignmentTrainer resumed = AlignmentTrainer.resume(checkpoint)) {
            for (int i = 0; i < 3; i++) {
                resumed.stepPairs(batch);
            }
            assertThat(resumed.policy().digest()).as("resumed run = uninterrupted run").isEqualTo(uninterrupted);
        }
        String policyDigest;
        String referenceDigest;
        try (Policy loaded = Policy.load(checkpoint); Policy ref = Policy.loadReference(checkpoint)) {
            assertThat(loaded.completionLogProbs(examples)).containsExactly(liveScores);
            policyDigest = loaded.digest();
            referenceDigest = ref.digest();
        }
        assertThat(referenceDigest).as("a TR update happened at step 2").isNotEqualTo(policyDigest);

        // Exported as a Hugging Face folder, the policy and the reference load back bit for bit.
        HfExport.toFolder(checkpoint, false, dir.resolve("policy"));
        HfExport.toFolder(checkpoint, true, dir.resolve("reference"));
        try (HfModelFolder.Loaded policy = HfModelFolder.load(dir.resolve("policy"), 16, Device.cpu());
                HfModelFolder.Loaded reference = HfModelFolder.load(dir.resolve("reference"), 16, Device.cpu())) {
            assertThat(policy.parameters().sha256()).isEqualTo(policyDigest);
            assertThat(reference.parameters().sha256()).isEqualTo(referenceDigest);
            assertThat(policy.info().ids()).isEqualTo(HfModelFolder.generationIds(folder));
        }
        assertThatThrownBy(() -> HfExport.toFolder(checkpoint, false, dir.resolve("policy")))
                .hasMessageContaining("not empty");
    }

    /**
     * A batch whose longest prompt and longest completion belong to different pairs: each pair fits the window,
     * their sum does not. The shared-prompt forward must score it as rows would.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "gpt2"})
    void pairsWhoseLongestPromptAndCompletionDifferFitTheWindow(String name) {
        SplitMix64 random = new SplitMix64(5);
        List<TokenizedPair> uneven = List.of(
                new TokenizedPair("long-prompt", TinyData.tokens(random, 12, 512), TinyData.tokens(random, 3, 512),
                        TinyData.tokens(random, 2, 512)),
                new TokenizedPair("long-completion", TinyData.tokens(random, 2, 512),
                        TinyData.tokens(random, 13, 512), TinyData.tokens(random, 12, 512)));
        try (AlignmentTrainer trainer = AlignmentTrainer.fromHuggingFace(hfTiny(name), 16,
                TrainingConfig.builder().lossType("sigmoid").microBatchShards(1).build())) {
            double[] rows = trainer.policy().completionLogProbs(uneven.stream()
                    .map(p -> new TokenizedExample(p.id(), p.prompt(), p.chosen())).toList());
            StepResult step = trainer.stepPairs(uneven);
            assertThat(step.metrics().get("logps/chosen"))
                    .isCloseTo((rows[0] + rows[1]) / 2, org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    /** TR-DPO hard (alpha 1) on a Hugging Face decoder: every tau steps the reference becomes the policy exactly. */
    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa"})
    void hardUpdatesCopyThePolicyIntoTheReference(String name) {
        TrainingConfig hard = TrainingConfig.builder().lossType("sigmoid").beta(0.1).learningRate(1e-3)
                .syncRefModel(true).refModelMixupAlpha(1.0).refModelSyncSteps(2).seed(7).build();
        List<TokenizedPair> batch = pairs(2, 4);
        try (AlignmentTrainer trainer = AlignmentTrainer.fromHuggingFace(hfTiny(name), 16, hard)) {
            String initial = trainer.referenceDigest();
            StepResult first = trainer.stepPairs(batch);
            assertThat(first.referenceUpdate()).isEmpty();
            assertThat(trainer.referenceDigest()).isEqualTo(initial);
            StepResult second = trainer.stepPairs(batch);
            assertThat(second.referenceUpdate()).hasValueSatisfying(u -> assertThat(u.alpha()).isEqualTo(1.0));
            assertThat(trainer.referenceDigest()).isEqualTo(trainer.policy().digest()).isNotEqualTo(initial);
            trainer.stepPairs(batch);
            assertThat(trainer.referenceDigest()).isNotEqualTo(trainer.policy().digest());
        }
    }
}
