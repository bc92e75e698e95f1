package dev.tralign.trainer.reference;

/**
 * One trust-region update of the reference model.
 *
 * @param step the optimizer step after which the update ran (a multiple of tau)
 * @param alpha weight of the current policy (1 = hard copy)
 * @param tau refModelSyncSteps
 * @param referenceDigest SHA-256 (hex) of the reference parameters after the update
 * @param version number of updates so far including this one (1 for the first)
 */
public record ReferenceUpdate(long step, double alpha, int tau, String referenceDigest, long version) {
}
