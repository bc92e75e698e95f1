package dev.tralign.evaluator.online;

import dev.tralign.schemas.avro.PreferencePair;
import java.util.Map;
import java.util.Optional;

/**
 * The online loop's step-provenance rule: a run must never train on a pair judged on the checkpoint that is training
 * it, or on a later one. A pair whose {@code metadata.run} is the run's own online run id may train at step s only
 * when its {@code judged_at_step} is below s. Pairs of other runs (or offline pairs) are not this run's self-judged
 * data and pass. Pure.
 */
public final class StepProvenance {

    private StepProvenance() {
    }

    /**
     * Why {@code pair} may not train run {@code onlineRunId}'s step {@code step}, or empty when it may. A self-judged
     * pair without a readable {@code judged_at_step} is refused: its provenance cannot be checked.
     */
    public static Optional<String> violation(PreferencePair pair, String onlineRunId, long step) {
        Map<String, String> metadata = pair.getMetadata();
        if (metadata == null || !onlineRunId.equals(metadata.get(OnlinePairs.RUN))) {
            return Optional.empty();
        }
        String judgedAt = metadata.get(OnlinePairs.JUDGED_AT_STEP);
        long judged;
        try {
            judged = Long.parseLong(judgedAt);
        } catch (NumberFormatException e) {
            return Optional.of("online pair " + pair.getId() + " of " + onlineRunId + " has no readable "
                    + OnlinePairs.JUDGED_AT_STEP + " ('" + judgedAt + "')");
        }
        if (judged >= step) {
            return Optional.of("online pair " + pair.getId() + " was judged at step " + judged + " of " + onlineRunId
                    + " and would train step " + step + ": a checkpoint may not train on its own (or a later) judgments");
        }
        return Optional.empty();
    }
}
