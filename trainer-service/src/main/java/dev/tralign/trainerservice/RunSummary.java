package dev.tralign.trainerservice;

import dev.tralign.schemas.avro.CheckpointEvent;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link TrainerService#run()} did.
 *
 * @param runId the run
 * @param steps optimizer steps taken in total (including those before a resume)
 * @param lastCheckpoint the last committed checkpoint file
 * @param lastSha256 its SHA-256
 * @param checkpoints the checkpoint events this call committed, in order
 * @param deadLetters records sent to the DLQ by this call
 * @param completed true when a bounded run consumed its whole range (or reached max_steps)
 * @param resumedFromStep the step the run resumed from, 0 for a fresh start
 */
public record RunSummary(String runId, long steps, Path lastCheckpoint, String lastSha256,
        List<CheckpointEvent> checkpoints, long deadLetters, boolean completed, long resumedFromStep) {
}
