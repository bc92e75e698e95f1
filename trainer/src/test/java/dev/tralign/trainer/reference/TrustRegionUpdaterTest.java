package dev.tralign.trainer.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.tralign.trainer.reference.ReferenceUpdate;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrustRegionUpdaterTest {

    private static final ModelConfig SHAPE = new ModelConfig(8, 8, 1, 2, 4);
    private ParameterSet policy;
    private ParameterSet reference;

    @BeforeEach
    void setUp() {
        policy = ParameterSet.initialise(SHAPE, 1, Device.cpu());
        reference = ParameterSet.initialise(SHAPE, 2, Device.cpu());
    }

    @AfterEach
    void tearDown() {
        policy.close();
        reference.close();
    }

    /** Simulates an optimizer step: moves every policy weight. */
    private void movePolicy(float delta) {
        policy.tensors().values().forEach(t -> t.addi(delta));
    }

    @Test
    void softUpdateFiresEveryTauStepsWithThePostStepPolicy() {
        TrustRegionUpdater updater = new TrustRegionUpdater(policy, reference, true, 0.25, 3, 0);
        List<ReferenceUpdate> seen = new ArrayList<>();
        updater.addListener(seen::add);
        String initial = reference.sha256();
        for (long step = 1; step <= 2; step++) {
            movePolicy(0.1f);
            assertThat(updater.onOptimizerStep(step)).isEmpty();
            assertThat(reference.sha256()).isEqualTo(initial);
        }
        movePolicy(0.1f);
        Map<String, float[]> before = reference.toFloatArrays();
        Map<String, float[]> theta = policy.toFloatArrays();
        ReferenceUpdate update = updater.onOptimizerStep(3).orElseThrow();
        Map<String, float[]> after = reference.toFloatArrays();
        for (String name : after.keySet()) {
            for (int i = 0; i < after.get(name).length; i++) {
                double expected = 0.25 * theta.get(name)[i] + 0.75 * before.get(name)[i];
                assertThat((double) after.get(name)[i]).isCloseTo(expected,
                        org.assertj.core.data.Offset.offset(1e-6 + 1e-6 * Math.abs(expected)));
            }
        }
        assertThat(update.step()).isEqualTo(3);
        assertThat(update.alpha()).isEqualTo(0.25);
        assertThat(update.tau()).isEqualTo(3);
        assertThat(update.version()).isEqualTo(1);
        assertThat(update.referenceDigest()).isEqualTo(reference.sha256()).isNotEqualTo(initial);
        assertThat(seen).containsExactly(update);
        assertThat(updater.onOptimizerStep(4)).isEmpty();
        assertThat(updater.onOptimizerStep(6).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void aSoftUpdateIsTheFloat32FormulaBitForBitEveryTime() {
        // ref <- fl(fl(ref * (1 - alpha)) + fl(theta * alpha)) in float32, one rounding per operation: the bits
        // replays and checkpoints depend on, whatever buffers the update uses inside.
        float a = (float) 0.3;
        float b = (float) (1 - 0.3);
        TrustRegionUpdater updater = new TrustRegionUpdater(policy, reference, true, 0.3, 1, 0);
        for (long step = 1; step <= 3; step++) {
            movePolicy(0.07f * step);
            float[] before = reference.flat().toFloatArray();
            float[] theta = policy.flat().toFloatArray();
            updater.onOptimizerStep(step);
            float[] after = reference.flat().toFloatArray();
            for (int i = 0; i < after.length; i++) {
                float scaledRef = before[i] * b;
                float scaledPolicy = theta[i] * a;
                assertThat(after[i]).as("element %d at step %d", i, step).isEqualTo(scaledRef + scaledPolicy);
            }
        }
    }

    @Test
    void alphaOneIsABitIdenticalCopy() {
        movePolicy(0.123f);
        TrustRegionUpdater updater = new TrustRegionUpdater(policy, reference, true, 1.0, 1, 0);
        ReferenceUpdate update = updater.onOptimizerStep(1).orElseThrow();
        assertThat(reference.sha256()).isEqualTo(policy.sha256()).isEqualTo(update.referenceDigest());
        Map<String, float[]> p = policy.toFloatArrays();
        reference.toFloatArrays().forEach((name, values) -> assertThat(values).containsExactly(p.get(name)));
    }

    @Test
    void disabledNeverChangesTheReference() {
        String initial = reference.sha256();
        TrustRegionUpdater updater = new TrustRegionUpdater(policy, reference, false, 0.6, 1, 0);
        for (long step = 1; step <= 5; step++) {
            movePolicy(0.1f);
            assertThat(updater.onOptimizerStep(step)).isEmpty();
        }
        assertThat(reference.sha256()).isEqualTo(initial);
    }

    @Test
    void invalidAlphaOrTauIsRejectedNamingTheOption() {
        assertThatThrownBy(() -> new TrustRegionUpdater(policy, reference, true, 0, 1, 0))
                .hasMessageContaining("refModelMixupAlpha");
        assertThatThrownBy(() -> new TrustRegionUpdater(policy, reference, true, 1.5, 1, 0))
                .hasMessageContaining("refModelMixupAlpha");
        assertThatThrownBy(() -> new TrustRegionUpdater(policy, reference, true, 0.5, 0, 0))
                .hasMessageContaining("refModelSyncSteps");
        assertThatThrownBy(() -> TrainingConfig.builder().refModelMixupAlpha(-0.1).build())
                .hasMessageContaining("refModelMixupAlpha");
        assertThatThrownBy(() -> TrainingConfig.builder().refModelSyncSteps(0).build())
                .hasMessageContaining("refModelSyncSteps");
    }

    @Test
    void warnsWhenTauExceedsThePlannedSteps() {
        assertThat(TrainingConfig.builder().syncRefModel(true).refModelSyncSteps(512).maxSteps(100).build()
                .warnIfSyncNeverFires()).isTrue();
        assertThat(TrainingConfig.builder().syncRefModel(true).refModelSyncSteps(64).maxSteps(100).build()
                .warnIfSyncNeverFires()).isFalse();
        assertThat(TrainingConfig.builder().syncRefModel(false).refModelSyncSteps(512).maxSteps(100).build()
                .warnIfSyncNeverFires()).isFalse();
    }
}
