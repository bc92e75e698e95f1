package dev.tralign.trainerservice;

/**
 * One checkpoint of a replay next to the original's.
 *
 * @param step optimizer step
 * @param originalSha256 the original run's checkpoint digest at this step (null if it had none)
 * @param replaySha256 the replay's digest at this step (null if it had none)
 */
public record CheckpointComparison(long step, String originalSha256, String replaySha256) {

    public boolean matches() {
        return originalSha256 != null && originalSha256.equals(replaySha256);
    }
}
