package dev.tralign.ingest.file;

import dev.tralign.ingest.kafka.OutcomeRecords;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.ingest.parse.Rejection;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the import keeps of one parsed record once it is serialized: its file position, its content id (accepted
 * records) or its rejection, and the record to publish. The parsed texts are dropped here, on the parse thread.
 *
 * @param position  the 1-based line or array element
 * @param id        the content id of an accepted pair or feedback, null for a rejection
 * @param rejection the rejection, null for an accepted record
 * @param record    the serialized record for its topic (the DLQ for a rejection)
 */
record PreparedRecord(long position, String id, Rejection rejection, ProducerRecord<byte[], byte[]> record) {

    static PreparedRecord of(Outcome outcome, OutcomeRecords records) {
        ProducerRecord<byte[], byte[]> record = records.toRecord(outcome);
        long position = outcome.origin().filePosition();
        if (outcome instanceof Outcome.Rejected r) {
            return new PreparedRecord(position, null, r.rejection(), record);
        }
        String id = outcome instanceof Outcome.Pair p ? p.pair().getId()
                : ((Outcome.Feedback) outcome).feedback().getId();
        return new PreparedRecord(position, id, null, record);
    }
}
