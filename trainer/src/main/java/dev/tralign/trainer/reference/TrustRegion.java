package dev.tralign.trainer.reference;

/**
 * The trust-region settings of TR-DPO/IPO/KTO (TRL's sync_ref_model, ref_model_mixup_alpha, ref_model_sync_steps),
 * checked here and nowhere else: every {@code theta_ref <- alpha * theta + (1 - alpha) * theta_ref} every tau
 * optimizer steps, alpha = 1 an exact copy.
 *
 * @param enabled syncRefModel: off, the reference stays the SFT model
 * @param alpha refModelMixupAlpha in (0, 1], the weight of the current policy
 * @param tau refModelSyncSteps >= 1
 */
public record TrustRegion(boolean enabled, double alpha, int tau) {

    public TrustRegion {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("refModelMixupAlpha must be in (0, 1] (1 = hard copy), got " + alpha);
        }
        if (tau < 1) {
            throw new IllegalArgumentException("refModelSyncSteps (tau) must be >= 1, got " + tau);
        }
    }
}
