package dev.tralign.trainerservice.source;

import java.util.Objects;

/**
 * One record of an input topic as raw bytes, before decoding (decoding may fail; the bytes then go to the DLQ).
 *
 * @param topic topic name
 * @param partition partition number
 * @param offset offset in that partition
 * @param key key bytes, may be null
 * @param value value bytes, may be null
 */
public record InputRecord(String topic, int partition, long offset, byte[] key, byte[] value) {

    public InputRecord {
        Objects.requireNonNull(topic, "topic");
    }

    /** {@code topic/partition@offset}, the DLQ's and the ledger's way of naming a record. */
    public String origin() {
        return topic + "/" + partition + "@" + offset;
    }
}
