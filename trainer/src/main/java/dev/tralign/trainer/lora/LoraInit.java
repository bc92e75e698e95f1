package dev.tralign.trainer.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDScope;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.SplitMix64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fresh adapters as PEFT initialises them (LoraLayer.reset_lora_parameters with init_lora_weights=True): A by
 * {@code kaiming_uniform_(a=sqrt(5))}, which for A [r, in] is U(-1/sqrt(in), 1/sqrt(in)), and B zero, so
 * {@code B A = 0} and the first policy is the base. Our generator, seeded by the run's seed, not torch's: the values
 * differ from PEFT's, the distribution does not.
 */
public final class LoraInit {

    /** Keeps the adapters' stream apart from other users of the run's seed. */
    private static final long STREAM = 0x4c6f5241L;

    private LoraInit() {
    }

    /** The policy's first adapters. */
    public static ParameterSet adapters(LoraTargets targets, long seed, Device device) {
        SplitMix64 random = new SplitMix64(seed ^ STREAM);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (ParameterSpec spec : targets.adapterLayout()) {
            float[] v = new float[Math.toIntExact(spec.size())];
            if (spec.name().endsWith(".lora_A")) {
                double bound = 1 / Math.sqrt(spec.shape()[1]);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
                }
            }
            values.put(spec.name(), v);
        }
        return ParameterSet.fromValues(targets.adapterLayout(), device, values);
    }

    /**
     * The reference a run starts with, the same model as the policy: a copy of the policy's adapters, or (exact
     * mixing) their deltas scaling B A (zero for fresh adapters; not zero when a run starts from trained adapters,
     * e.g. an SFT checkpoint's).
     */
    public static ParameterSet reference(LoraTargets targets, ParameterSet policyAdapters) {
        if (targets.referenceLayout().equals(targets.adapterLayout())) {
            return policyAdapters.copy();
        }
        ParameterSet deltas = ParameterSet.zeros(targets.deltaLayout(), policyAdapters.device());
        Autograd.withGrad(false, () -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                new ExactDeltaMix(policyAdapters, deltas, targets).apply(1.0);
            }
            return null;
        });
        return deltas;
    }
}
