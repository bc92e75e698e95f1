package dev.tralign.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.hf.LinearModule;
import dev.tralign.trainer.reference.TrustRegionUpdater;

/**
 * The exact trust-region update of a LoRA reference kept as full weight deltas: per adapted module,
 * {@code delta_ref <- alpha * scaling * B A + (1 - alpha) * delta_ref}; alpha = 1 sets {@code delta_ref} to the
 * policy's delta. The reference model is then exactly {@code base + delta_ref}, the trust-region mix of the two
 * models' weights, which mixing A and B separately is not.
 */
public final class ExactDeltaMix implements TrustRegionUpdater.Mix {

    private static final NDIndex ALL = new NDIndex(":");
    private final ParameterSet policy;
    private final ParameterSet reference;
    private final LoraTargets targets;

    public ExactDeltaMix(ParameterSet policyAdapters, ParameterSet referenceDeltas, LoraTargets targets) {
        if (!referenceDeltas.specs().equals(targets.deltaLayout())) {
            throw new IllegalArgumentException("the reference does not hold one full delta per adapted module");
        }
        this.policy = policyAdapters;
        this.reference = referenceDeltas;
        this.targets = targets;
    }

    /** Called with grad mode off, inside an NDScope (TrustRegionUpdater.mix). */
    @Override
    public void apply(double alpha) {
        for (LinearModule m : targets.modules()) {
            NDArray ref = reference.get(LoraTargets.delta(m));
            try (NDArray delta = LoraDeltas.of(policy, targets, m)) {
                if (alpha == 1.0) {
                    ref.set(ALL, delta);
                } else {
                    ref.muli(1 - alpha).addi(delta.muli(alpha));
                }
            }
        }
        reference.markModified();
    }
}
