package dev.tralign.trainerservice;

import java.util.List;

/**
 * The outcome of {@link Replay}: per checkpoint step, both digests.
 *
 * @param originalRunId the run that was replayed
 * @param replayRunId the new run
 * @param checkpoints one row per step either run checkpointed, in step order
 */
public record ReplayReport(String originalRunId, String replayRunId, List<CheckpointComparison> checkpoints) {

    /** True when both runs checkpointed the same steps with identical files. */
    public boolean allMatch() {
        return !checkpoints.isEmpty() && checkpoints.stream().allMatch(CheckpointComparison::matches);
    }

    /** A table for the terminal. */
    public String toText() {
        StringBuilder sb = new StringBuilder("replay of ").append(originalRunId).append(" as ").append(replayRunId)
                .append('\n');
        for (CheckpointComparison c : checkpoints) {
            sb.append(String.format("step %6d  %-8s original %s  replay %s%n", c.step(),
                    c.matches() ? "match" : "MISMATCH", c.originalSha256(), c.replaySha256()));
        }
        sb.append(allMatch() ? "all " + checkpoints.size() + " checkpoints match" : "digests differ");
        return sb.toString();
    }
}
