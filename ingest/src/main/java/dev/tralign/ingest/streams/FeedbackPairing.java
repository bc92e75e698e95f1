package dev.tralign.ingest.streams;

import dev.tralign.ingest.parse.ContentIds;
import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.FeedbackLabel;
import dev.tralign.schemas.avro.PreferencePair;
import java.util.Map;

/**
 * Pure pairing rule: a thumbs-up and a thumbs-down on the same prompt make a preference pair, the desirable
 * completion chosen. Same label, or the same completion judged both ways, make no pair.
 */
public final class FeedbackPairing {

    private FeedbackPairing() {
    }

    /** The pair made of (desirable, undesirable), or null when the two do not form one. */
    public static PreferencePair pair(BinaryFeedback desirable, BinaryFeedback undesirable) {
        if (desirable.getLabel() != FeedbackLabel.DESIRABLE || undesirable.getLabel() != FeedbackLabel.UNDESIRABLE) {
            return null;
        }
        if (desirable.getCompletion().strip().equals(undesirable.getCompletion().strip())
                || !ContentIds.promptKey(desirable.getPrompt()).equals(ContentIds.promptKey(undesirable.getPrompt()))) {
            return null;
        }
        String prompt = desirable.getPrompt();
        // createdAt is the later of the two, so a replay builds identical pairs (no wall clock).
        var createdAt = desirable.getCreatedAt().isAfter(undesirable.getCreatedAt())
                ? desirable.getCreatedAt() : undesirable.getCreatedAt();
        return PreferencePair.newBuilder()
                .setId(ContentIds.pairId(prompt, desirable.getCompletion(), undesirable.getCompletion()))
                .setPrompt(prompt)
                .setChosen(desirable.getCompletion())
                .setRejected(undesirable.getCompletion())
                .setSource("paired-feedback")
                .setCreatedAt(createdAt)
                .setAnnotator(null)
                .setScoreMargin(null)
                .setMetadata(Map.of("pairedFrom.desirable", desirable.getId(),
                        "pairedFrom.undesirable", undesirable.getId()))
                .build();
    }
}
