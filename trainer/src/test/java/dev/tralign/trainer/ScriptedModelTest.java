package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.GptModel;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.ParameterLayout;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.ScriptedLm;
import dev.tralign.trainer.model.SplitMix64;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bring-your-own TorchScript: the peer's TinyGpt exported with torch.jit.script (resources/torchscript). */
class ScriptedModelTest {

    private static final ModelConfig PEER_SHAPE = new ModelConfig(11, 8, 2, 2, 8);

    @TempDir
    Path dir;

    private static Path modelFile() throws URISyntaxException {
        return Path.of(ScriptedModelTest.class.getResource("/torchscript/tiny_gpt.pt").toURI());
    }

    private static List<TokenizedPair> pairs(long seed) {
        SplitMix64 r = new SplitMix64(seed);
        List<TokenizedPair> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            out.add(new TokenizedPair("s" + i, TinyData.tokens(r, 2 + i % 2, 11), TinyData.tokens(r, 3, 11),
                    TinyData.tokens(r, 1 + i % 3, 11)));
        }
        return out;
    }

    @Test
    void scriptedModelComputesWhatTheBuiltInModelComputesOnTheSameWeights() throws Exception {
        try (ScriptedLm scripted = new ScriptedLm(modelFile(), 11, 8, Device.cpu());
                ParameterSet weights = scripted.initialParameters();
                GptModel builtIn = new GptModel(PEER_SHAPE, Device.cpu());
                NDManager m = NDManager.newBaseManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            assertThat(scripted.layout()).extracting(ParameterSpec::name)
                    .containsExactlyElementsOf(ParameterLayout.of(PEER_SHAPE).stream().map(ParameterSpec::name)
                            .toList());
            assertThat(scripted.config().embedDim()).isEqualTo(8);
            assertThat(scripted.config().layers()).isEqualTo(2);
            var ids = m.create(new long[] {7, 3, 2, 2, 2, 2, 6, 6, 6, 2, 0, 1, 4, 4}, new Shape(2, 7));
            float[] a = Autograd.withGrad(false, () -> scripted.logits(weights, ids).toFloatArray());
            float[] b = Autograd.withGrad(false, () -> builtIn.logits(weights, ids).toFloatArray());
            for (int i = 0; i < a.length; i++) {
                assertThat((double) a[i]).isCloseTo(b[i], Offset.offset(1e-5));
            }
        }
    }

    @Test
    void trainsCheckpointsAndResumesBitIdentically() throws Exception {
        TrainingConfig config = TinyData.dpo().syncRefModel(true).refModelSyncSteps(2).build();
        String straight;
        SavedCheckpoint saved;
        int[][] liveSample;
        try (AlignmentTrainer trainer = AlignmentTrainer.createFromTorchScript(modelFile(), 11, 8, config)) {
            // A TorchScript model keeps its own weights: micro-batches stay whole, and the config says so.
            assertThat(config.microBatchShards()).isEqualTo(2);
            assertThat(trainer.config().microBatchShards()).isEqualTo(1);
            StepResult first = trainer.stepPairs(pairs(1));
            assertThat(first.loss()).isCloseTo(Math.log(2), Offset.offset(1e-6));
            StepResult last = first;
            for (int s = 2; s <= 8; s++) {
                last = trainer.stepPairs(pairs(1));
            }
            assertThat(last.loss()).isLessThan(first.loss());
            assertThat(last.metrics().get("rewards/margins")).isPositive();
            saved = trainer.saveCheckpoint(dir.resolve("scripted.ckpt"));
            trainer.stepPairs(pairs(2));
            trainer.stepPairs(pairs(3));
            straight = trainer.policy().digest();
            liveSample = trainer.policy().sample(List.of(new int[] {1, 2}), SamplingConfig.unbiased(4, -1), 9);
        }
        try (AlignmentTrainer resumed = AlignmentTrainer.resume(saved.path())) {
            assertThat(resumed.step()).isEqualTo(8);
            resumed.stepPairs(pairs(2));
            resumed.stepPairs(pairs(3));
            assertThat(resumed.policy().digest()).isEqualTo(straight);
        }
        try (AlignmentTrainer again = AlignmentTrainer.resume(saved.path())) {
            again.stepPairs(pairs(2));
            again.stepPairs(pairs(3));
            again.saveCheckpoint(dir.resolve("later.ckpt"));
        }
        try (Policy loaded = Policy.load(dir.resolve("later.ckpt"))) {
            assertThat(loaded.digest()).isEqualTo(straight);
            int[][] sample = loaded.sample(List.of(new int[] {1, 2}), SamplingConfig.unbiased(4, -1), 9);
            assertThat(sample).isDeepEqualTo(liveSample);
            assertThat(sample[0]).hasSize(4);
        }
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> AlignmentTrainer.createFromTorchScript(dir.resolve("nope.pt"), 11, 8,
                TinyData.dpo().build())).hasMessageContaining("nope.pt").hasMessageContaining("torch.jit");
    }
}
