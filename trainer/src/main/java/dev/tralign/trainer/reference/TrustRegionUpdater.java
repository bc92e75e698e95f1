package dev.tralign.trainer.reference;

import ai.djl.ndarray.NDScope;
import dev.tralign.trainer.reference.ReferenceUpdate;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.ParameterSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The trust-region reference update of TR-DPO/IPO/KTO (Gorbatovski et al. 2024, arXiv 2404.09656), a listener
 * the loop calls after every optimizer step: when {@code step % tau == 0},
 * {@code theta_ref <- alpha * theta + (1 - alpha) * theta_ref} for every parameter matched by name, in place and
 * without gradients; {@code alpha == 1} is an exact copy (no multiply). Each update is reported to listeners.
 * Disabled (TRL sync_ref_model=false) it never touches the reference.
 */
public final class TrustRegionUpdater {

    private final ParameterSet policy;
    private final ParameterSet reference;
    private final boolean enabled;
    private final double alpha;
    private final int tau;
    /** Replaces the parameter-wise mix, or null. */
    private final Mix customMix;
    private final List<Consumer<ReferenceUpdate>> listeners = new CopyOnWriteArrayList<>();
    private long version;

    /**
     * @param enabled syncRefModel
     * @param alpha refModelMixupAlpha in (0, 1]
     * @param tau refModelSyncSteps >= 1
     * @param version updates already applied (non-zero when resuming)
     */
    public TrustRegionUpdater(ParameterSet policy, ParameterSet reference, boolean enabled, double alpha, int tau,
            long version) {
        this(policy, reference, new TrustRegion(enabled, alpha, tau), version);
    }

    /** @param version updates already applied (non-zero when resuming) */
    public TrustRegionUpdater(ParameterSet policy, ParameterSet reference, TrustRegion settings, long version) {
        this(policy, reference, settings, version, null);
        if (!policy.specs().equals(reference.specs())) {
            throw new IllegalArgumentException("policy and reference have different parameter layouts");
        }
    }

    /**
     * An updater whose mix is {@code customMix} (e.g. LoRA adapters whose reference is kept as full weight
     * deltas), with the same schedule, versions and reports.
     *
     * @param version updates already applied (non-zero when resuming)
     */
    public TrustRegionUpdater(ParameterSet policy, ParameterSet reference, TrustRegion settings, long version,
            Mix customMix) {
        this.policy = policy;
        this.reference = reference;
        this.customMix = customMix;
        this.enabled = settings.enabled();
        this.alpha = settings.alpha();
        this.tau = settings.tau();
        this.version = version;
    }

    /** How the reference moves toward the policy by {@code alpha}, for references not laid out like the policy. */
    public interface Mix {

        /** Moves the reference in place (grad mode off, inside an NDScope); alpha = 1 is the hard update. */
        void apply(double alpha);
    }

    public void addListener(Consumer<ReferenceUpdate> listener) {
        listeners.add(listener);
    }

    /** Updates counted so far. */
    public long version() {
        return version;
    }

    /** Call after optimizer step {@code step} (1-based) has been applied to the policy. */
    public Optional<ReferenceUpdate> onOptimizerStep(long step) {
        if (!enabled || step % tau != 0) {
            return Optional.empty();
        }
        mix();
        version++;
        ReferenceUpdate update = new ReferenceUpdate(step, alpha, tau, reference.sha256(), version);
        listeners.forEach(l -> l.accept(update));
        return Optional.of(update);
    }

    /** The in-place mix alone (benchmarked as ms_per_soft_update). */
    public void mix() {
        Autograd.withGrad(false, () -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (customMix != null) {
                    customMix.apply(alpha);
                } else if (alpha == 1.0) {
                    reference.copyFrom(policy);
                } else {
                    // Both sets share one layout, so the whole model mixes in three native calls.
                    reference.flat().muli(1 - alpha).addi(policy.flat().mul(alpha));
                    reference.markModified();
                }
            }
            return null;
        });
    }
}
