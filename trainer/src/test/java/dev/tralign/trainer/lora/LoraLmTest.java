package dev.tralign.trainer.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.hf.HfDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adapted forward with real DJL: gradients reach the adapters only (the base has none), and a forward through
 * adapters equals a forward of the plain decoder on base + scaling B A (the merge an export writes), on every
 * architecture's fused layout (q|k|v blocks, NeoX's interleaved rows, GPT-2's Conv1D).
 */
class LoraLmTest {

    private static Path folder(String name) {
        for (Path p : List.of(Path.of("../../shared/data/hf-tiny"), Path.of("../shared/data/hf-tiny"))) {
            if (Files.isDirectory(p)) {
                return p.resolve(name);
            }
        }
        throw new IllegalStateException("hf-tiny fixtures not found beside the checkout (../shared/data/hf-tiny)");
    }

    /** Adapters with random B as well (fresh ones have B = 0, which would hide any error in the B A path). */
    private static ParameterSet randomAdapters(LoraTargets targets) {
        try (ParameterSet fresh = LoraInit.adapters(targets, 11, Device.cpu())) {
            java.util.Map<String, float[]> values = fresh.toFloatArrays();
            dev.tralign.trainer.model.SplitMix64 random = new dev.tralign.trainer.model.SplitMix64(5);
            for (ParameterSpec spec : targets.adapterLayout()) {
                if (spec.name().endsWith(".lora_B")) {
                    float[] b = values.get(spec.name());
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (float) (0.05 * random.nextGaussian());
                    }
                }
            }
            return ParameterSet.fromValues(targets.adapterLayout(), Device.cpu(), values);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "qwen2", "gpt-neox", "gpt2"})
    void gradientsReachOnlyAdaptersAndTheForwardIsTheMergedModel(String name) {
        LoraConfig config = new LoraConfig(4, 8, 0, List.of(LoraConfig.ALL_LINEAR), true,
                LoraConfig.ReferenceMix.FACTORS);
        try (LoraLm lm = LoraLm.open(folder(name), 16, config, Device.cpu(), null);
                ParameterSet adapters = randomAdapters(lm.targets());
                ParameterSet merged = LoraDeltas.merged(lm.base(), adapters, lm.targets());
                HfDecoder plain = new HfDecoder(lm.spec(), 16, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray ids = m.create(new long[] {1, 7, 300, 12, 99, 4, 250, 18}, new Shape(1, 8));
            lm.enableGradients(adapters);
            float[] adapted = Autograd.withGrad(true, () -> {
                NDArray logits = lm.logits(adapters, ids);
                Autograd.backward(logits.mul(logits).mean());
                return logits.toFloatArray();
            });
            float[] expected = Autograd.withGrad(false, () -> plain.logits(merged, ids).toFloatArray());
            float[] base = Autograd.withGrad(false, () -> plain.logits(lm.base(), ids).toFloatArray());
            double maxFromMerged = 0;
            double maxFromBase = 0;
            for (int i = 0; i < adapted.length; i++) {
                maxFromMerged = Math.max(maxFromMerged, Math.abs(adapted[i] - expected[i]));
                maxFromBase = Math.max(maxFromBase, Math.abs(adapted[i] - base[i]));
            }
            assertThat(maxFromBase).as("the adapters change the logits").isGreaterThan(1e-2);
            assertThat(maxFromMerged).as("adapted forward == forward of base + scaling B A").isLessThan(1e-4);

            assertThat(lm.base().tensors().values()).noneMatch(NDArray::hasGradient);
            NDArray gradient = lm.flatGradient(adapters);
            assertThat(gradient.size()).isEqualTo(adapters.flat().size());
            for (ParameterSpec spec : adapters.specs()) {
                assertThat(adapters.get(spec.name()).getGradient().abs().max().getFloat()).as(spec.name())
                        .isGreaterThan(0f);
            }
        }
    }
}
