package dev.tralign.trainerservice;

import dev.tralign.trainerservice.source.InputRecord;

/**
 * An input record that will not be trained on, bound for the DLQ.
 *
 * @param record the record as read
 * @param errorClass short machine-readable class
 * @param reason what is wrong and how to fix it
 * @param epoch the pass over the range it was read in (only the first pass sends it to the DLQ)
 */
record Rejected(InputRecord record, String errorClass, String reason, int epoch) {
}
