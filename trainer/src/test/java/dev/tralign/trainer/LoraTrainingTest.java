package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.config.LoraConfig.ReferenceMix;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.SplitMix64;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TR-DPO on LoRA adapters over one frozen Hugging Face base, with real DJL: the first policy is the base, the
 * trust-region updates move the reference adapters (or deltas) as they say, training lowers the loss, checkpoints
 * hold adapters and the base's digest only, resume is bit-identical, and a changed base is refused.
 */
class LoraTrainingTest {

    static Path hfTiny(String model) {
        for (Path p : List.of(Path.of("../../shared/data/hf-tiny"), Path.of("../shared/data/hf-tiny"))) {
            if (Files.isDirectory(p)) {
                return p.resolve(model).toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("hf-tiny fixtures not found beside the checkout (../shared/data/hf-tiny)");
    }

    static List<TokenizedPair> pairs(long seed, int count) {
        SplitMix64 random = new SplitMix64(seed);
        List<TokenizedPair> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new TokenizedPair("p" + seed + "-" + i, TinyData.tokens(random, 5, 512),
                    TinyData.tokens(random, 4, 512), TinyData.tokens(random, 4, 512)));
        }
        return out;
    }

    static LoraConfig lora(ReferenceMix mix, String... targets) {
        return new LoraConfig(4, 8, 0, List.of(targets), false, mix);
    }

    static TrainingConfig trDpo(double alpha) {
        return TrainingConfig.builder().lossType("sigmoid").beta(0.1).learningRate(1e-2).syncRefModel(true)
                .refModelMixupAlpha(alpha).refModelSyncSteps(2).seed(7).build();
    }

    private static List<TokenizedExample> chosenOf(List<TokenizedPair> pairs) {
        return pairs.stream().map(p -> new TokenizedExample(p.id(), p.prompt(), p.chosen())).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "qwen2", "gpt-neox", "gpt2"})
    void theFirstPolicyAndReferenceAreTheBase(String name) {
        List<TokenizedExample> examples = chosenOf(pairs(3, 3));
        double[] base;
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(hfTiny(name), 16, Device.cpu());
                Policy plain = Policy.of(loaded)) {
            base = plain.completionLogProbs(examples);
        }
        for (ReferenceMix mix : ReferenceMix.values()) {
            try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(hfTiny(name), 16, trDpo(0.5),
                    lora(mix, LoraConfig.ALL_LINEAR))) {
                assertThat(t.policy().completionLogProbs(examples)).as("policy, %s", mix).containsExactly(base);
                assertThat(t.referencePolicy().completionLogProbs(examples)).as("reference, %s", mix)
                        .containsExactly(base);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ReferenceMix.class)
    void trDpoOnAdaptersLowersTheLossAndResumesBitForBit(ReferenceMix mix, @TempDir Path dir) {
        Path folder = hfTiny("llama-gqa");
        List<TokenizedPair> batch = pairs(1, 4);
        LoraConfig lora = lora(mix, "q_proj", "v_proj", "down_proj");
        String uninterrupted;
        double firstLoss;
        double lastLoss;
        try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(folder, 16, trDpo(0.6), lora)) {
            firstLoss = t.stepPairs(batch).loss();
            StepResult last = null;
            for (int i = 1; i < 6; i++) {
                last = t.stepPairs(batch);
            }
            lastLoss = last.loss();
            assertThat(last.referenceUpdate()).as("TR update at step 6 (tau 2)").isPresent();
            uninterrupted = t.policy().digest() + "/" + t.referenceDigest();
        }
        assertThat(firstLoss).as("policy == reference at the start").isCloseTo(Math.log(2), Offset.offset(1e-6));
        assertThat(lastLoss).isLessThan(firstLoss - 0.05);

        Path checkpoint = dir.resolve("step-3.ckpt");
        try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(folder, 16, trDpo(0.6), lora)) {
            for (int i = 0; i < 3; i++) {
                t.stepPairs(batch);
            }
            t.saveCheckpoint(checkpoint);
        }
        try (AlignmentTrainer resumed = AlignmentTrainer.resume(checkpoint)) {
            for (int i = 0; i < 3; i++) {
                resumed.stepPairs(batch);
            }
            assertThat(resumed.policy().digest() + "/" + resumed.referenceDigest()).isEqualTo(uninterrupted);
        }

        // The checkpoint holds adapters (and the reference's adapters or deltas) and the base's digest, no base.
        CheckpointFile.Contents c = CheckpointFile.read(checkpoint, Set.of("policy", "reference", "adam.m"));
        assertThat(c.group("policy").keySet()).allMatch(n -> n.endsWith(".lora_A") || n.endsWith(".lora_B"))
                .hasSize(2 * 3 * 2);
        assertThat(c.group("adam.m").keySet()).isEqualTo(c.group("policy").keySet());
        assertThat(c.group("reference").keySet()).allMatch(n -> mix == ReferenceMix.EXACT ? n.endsWith(".delta")
                : n.endsWith(".lora_A") || n.endsWith(".lora_B"));
        assertThat(c.header().lora()).isEqualTo(lora);
        try (HfModelFolder.Loaded base = HfModelFolder.load(folder, 16, Device.cpu())) {
            assertThat(c.header().loraBaseSha256()).isEqualTo(base.parameters().sha256());
        }
    }

    @ParameterizedTest
    @EnumSource(ReferenceMix.class)
    void hardUpdatesMakeTheReferenceThePolicy(ReferenceMix mix) {
        List<TokenizedPair> batch = pairs(2, 4);
        List<TokenizedExample> examples = chosenOf(batch);
        try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(hfTiny("gpt2"), 16, trDpo(1.0),
                lora(mix, LoraConfig.ALL_LINEAR))) {
            String initial = t.referenceDigest();
            t.stepPairs(batch);
            assertThat(t.referenceDigest()).isEqualTo(initial);
            assertThat(t.stepPairs(batch).referenceUpdate()).isPresent();
            double[] policy = t.policy().completionLogProbs(examples);
            double[] reference = t.referencePolicy().completionLogProbs(examples);
            if (mix == ReferenceMix.FACTORS) {
                assertThat(t.referenceDigest()).as("adapters copied").isEqualTo(t.policy().digest());
                assertThat(reference).containsExactly(policy);
            } else {
                // base + scaling B A, evaluated as one delta instead of two factors: equal up to float rounding.
                assertThat(t.referenceDigest()).isNotEqualTo(initial);
                for (int i = 0; i < policy.length; i++) {
                    assertThat(reference[i]).isCloseTo(policy[i], Offset.offset(1e-4));
                }
            }
            t.stepPairs(batch);
            assertThat(t.referencePolicy().completionLogProbs(examples)).isEqualTo(reference);
        }
    }

    /** A soft update by checkpoints before and after it: factors mixes A and B; exact mixes the deltas B A. */
    @ParameterizedTest
    @EnumSource(ReferenceMix.class)
    void softUpdatesMixAsTheModeSays(ReferenceMix mix, @TempDir Path dir) {
        double alpha = 0.3;
        LoraConfig lora = lora(mix, "c_attn", "c_fc");
        List<TokenizedPair> batch = pairs(4, 4);
        try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(hfTiny("gpt2"), 16, trDpo(alpha), lora)) {
            for (int step = 1; step <= 4; step++) {
                t.stepPairs(batch);
                if (step >= 3) {
                    t.saveCheckpoint(dir.resolve("step-" + step + ".ckpt"));
                }
            }
        }
        Set<String> groups = Set.of("policy", "reference");
        CheckpointFile.Contents before = CheckpointFile.read(dir.resolve("step-3.ckpt"), groups);
        CheckpointFile.Contents after = CheckpointFile.read(dir.resolve("step-4.ckpt"), groups);
        Map<String, CheckpointFile.Tensor> policy = after.group("policy");
        Map<String, CheckpointFile.Tensor> oldRef = before.group("reference");
        Map<String, CheckpointFile.Tensor> newRef = after.group("reference");
        assertThat(newRef.keySet()).isEqualTo(oldRef.keySet());
        double scaling = lora.scaling();
        double maxDifference = 0;
        for (String name : newRef.keySet()) {
            float[] expected;
            if (mix == ReferenceMix.FACTORS) {
                expected = mixed(policy.get(name).values(), oldRef.get(name).values(), alpha);
            } else {
                String module = name.substring(0, name.length() - ".delta".length());
                float[] delta = product(policy.get(module + ".lora_B"), policy.get(module + ".lora_A"), scaling);
                expected = mixed(delta, oldRef.get(name).values(), alpha);
            }
            float[] actual = newRef.get(name).values();
            for (int i = 0; i < actual.length; i++) {
                assertThat((double) actual[i]).as(name).isCloseTo(expected[i], Offset.offset(1e-6));
                maxDifference = Math.max(maxDifference, Math.abs(actual[i] - oldRef.get(name).values()[i]));
            }
        }
        assertThat(maxDifference).as("the update moved the reference").isGreaterThan(1e-5);
    }

    private static float[] mixed(float[] policy, float[] reference, double alpha) {
        float[] out = new float[policy.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (alpha * policy[i] + (1 - alpha) * reference[i]);
        }
        return out;
    }

    /** scaling * B A for B [rows, r], A [r, in]. */
    static float[] product(CheckpointFile.Tensor b, CheckpointFile.Tensor a, double scaling) {
        int rows = (int) b.shape()[0];
        int r = (int) b.shape()[1];
        int in = (int) a.shape()[1];
        float[] out = new float[rows * in];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < in; j++) {
                double sum = 0;
                for (int k = 0; k < r; k++) {
                    sum += (double) b.values()[i * r + k] * a.values()[k * in + j];
                }
                out[i * in + j] = (float) (scaling * sum);
            }
        }
        return out;
    }

    /** TR-IPO and TR-KTO train adapters too: the loss falls, the reference moves, the base stays the base. */
    @ParameterizedTest
    @ValueSource(strings = {"ipo", "kto"})
    void trIpoAndTrKtoTrainAdapters(String loss) {
        TrainingConfig config = TrainingConfig.builder().lossType(loss).beta(0.1).learningRate(1e-2)
                .syncRefModel(true).refModelMixupAlpha(0.6).refModelSyncSteps(2).seed(7).build();
        List<TokenizedPair> pairs = pairs(6, 4);
        List<dev.tralign.trainer.data.TokenizedFeedback> feedback = new ArrayList<>();
        for (TokenizedPair p : pairs) {
            feedback.add(new dev.tralign.trainer.data.TokenizedFeedback(p.id() + "+", p.prompt(), p.chosen(), true));
            feedback.add(new dev.tralign.trainer.data.TokenizedFeedback(p.id() + "-", p.prompt(), p.rejected(),
                    false));
        }
        try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(hfTiny("gpt-neox"), 16, config,
                lora(ReferenceMix.EXACT, "query_key_value", "dense_4h_to_h"))) {
            String initialReference = t.referenceDigest();
            List<Double> losses = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                losses.add((loss.equals("kto") ? t.stepFeedback(feedback) : t.stepPairs(pairs)).loss());
            }
            assertThat(losses.get(5)).as(loss + " losses " + losses).isLessThan(losses.get(0));
            assertThat(t.referenceDigest()).isNotEqualTo(initialReference);
        }
    }

    /** A run started from a LoRA checkpoint's policy (model.init=sft:...) starts with reference == policy. */
    @ParameterizedTest
    @EnumSource(ReferenceMix.class)
    void aRunFromTrainedAdaptersStartsWithTheReferenceEqualToThePolicy(ReferenceMix mix, @TempDir Path dir) {
        Path checkpoint = dir.resolve("sft.ckpt");
        List<TokenizedPair> batch = pairs(10, 4);
        try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(hfTiny("qwen2"), 16, trDpo(0.6),
                lora(mix, "q_proj", "v_proj", "up_proj"))) {
            t.stepPairs(batch);
            t.stepPairs(batch);
            t.saveCheckpoint(checkpoint);
        }
        try (AlignmentTrainer t = AlignmentTrainer.fromPolicyCheckpoint(checkpoint, trDpo(0.6))) {
            double[] policy = t.policy().completionLogProbs(chosenOf(batch));
            double[] reference = t.referencePolicy().completionLogProbs(chosenOf(batch));
            for (int i = 0; i < policy.length; i++) {
                assertThat(reference[i]).isCloseTo(policy[i], Offset.offset(1e-4));
            }
            assertThat(t.stepPairs(batch).loss()).isCloseTo(Math.log(2), Offset.offset(1e-4));
        }
    }

    @Test
    void aBaseWhoseWeightsChangedIsRefused(@TempDir Path dir) {
        Path folder = dir.resolve("base");
        try (HfModelFolder.Loaded original = HfModelFolder.load(hfTiny("qwen2"), 0, Device.cpu())) {
            HfModelFolder.write(folder, original.model().spec(), original.parameters(),
                    HfModelFolder.generationIds(hfTiny("qwen2")));
        }
        Path checkpoint = dir.resolve("step-1.ckpt");
        try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(folder, 16, trDpo(0.6),
                lora(ReferenceMix.FACTORS, "q_proj", "k_proj"))) {
            t.stepPairs(pairs(5, 2));
            t.saveCheckpoint(checkpoint);
        }
        try (HfModelFolder.Loaded original = HfModelFolder.load(folder, 0, Device.cpu());
                ParameterSet changed = original.parameters().copy()) {
            changed.get("blocks.0.qkv.weight").muli(1.01f);
            HfModelFolder.write(folder, original.model().spec(), changed, HfModelFolder.generationIds(folder));
        }
        assertThatThrownBy(() -> AlignmentTrainer.resume(checkpoint)).hasMessageContaining("sha256")
                .hasMessageContaining("restore the folder the run started from");
    }

    @Test
    void targetModulesTheArchitectureLacksAreRefusedWithItsNames() {
        assertThatThrownBy(() -> AlignmentTrainer.fromHuggingFace(hfTiny("gpt2"), 16, trDpo(0.6),
                lora(ReferenceMix.FACTORS, "q_proj"))).hasMessageContaining("'q_proj'")
                .hasMessageContaining("c_attn, c_proj, c_fc");
        assertThatThrownBy(() -> new LoraConfig(8, 16, 0.05, List.of("q_proj"), false, ReferenceMix.FACTORS))
                .hasMessageContaining("loraDropout");
    }
}
