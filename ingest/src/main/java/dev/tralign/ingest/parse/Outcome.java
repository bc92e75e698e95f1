package dev.tralign.ingest.parse;

import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.PreferencePair;

/** The result of reading one input record: an accepted pair, accepted feedback, or a rejection. */
public sealed interface Outcome {

    /** Where the record came from. */
    Origin origin();

    /** An accepted preference pair. */
    record Pair(PreferencePair pair, Origin origin) implements Outcome {
    }

    /** Accepted unpaired feedback. */
    record Feedback(BinaryFeedback feedback, Origin origin) implements Outcome {
    }

    /** A rejected record. */
    record Rejected(Rejection rejection) implements Outcome {
        @Override
        public Origin origin() {
            return rejection.origin();
        }
    }
}
