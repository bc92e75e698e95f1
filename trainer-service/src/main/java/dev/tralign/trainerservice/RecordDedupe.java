package dev.tralign.trainerservice;

import dev.tralign.trainerservice.source.InputRecord;
import dev.tralign.trainerservice.source.SeenIds;

/**
 * Lets each record key through once per epoch (a streaming run has one endless epoch). Ingest keys records by their
 * content id, so this is where "the same pair sent twice trains once" holds: two HTTP requests, or a file and a
 * request, publish two records with one key. Which copy trains is the first in the source's order, a function of
 * offsets in bounded mode, so replays skip the same copies. On resume the keys are read back from the input topics
 * up to the checkpoint's offsets ({@link TrainerService}); nothing extra is stored.
 */
final class RecordDedupe {

    private final SeenIds seen;
    private int epoch;
    private long skipped;

    /**
     * @param seen keys already trained in {@code epoch} (empty for a new run)
     * @param skippedBefore duplicates skipped before a resume, for the running count
     */
    RecordDedupe(SeenIds seen, int epoch, long skippedBefore) {
        this.seen = seen;
        this.epoch = epoch;
        this.skipped = skippedBefore;
    }

    /** True when {@code record} should be trained; false for a key already trained in its epoch. */
    boolean admit(InputRecord record, int recordEpoch) {
        if (recordEpoch != epoch) {
            seen.clear();
            epoch = recordEpoch;
        }
        if (record.key() == null || seen.add(record.key())) {
            return true;
        }
        skipped++;
        return false;
    }

    /** Duplicates skipped so far in this run (all epochs, across resumes). */
    long skipped() {
        return skipped;
    }
}
