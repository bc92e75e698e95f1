package dev.tralign.evaluator.service;

import dev.tralign.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A checkpoint event (or one shard of it) that cannot be evaluated: where it came from and why, as the dead letter
 * that reports it on tralign.dlq and as the line the service's listener and log get.
 *
 * @param topic     the checkpoint event's topic
 * @param partition its partition
 * @param offset    its offset
 * @param original  the bytes to keep (the event as text, or the undecodable record's value)
 * @param what      e.g. "checkpoint run-a@5"
 * @param reason    why it is skipped, with the fix where there is one
 */
record Skip(String topic, int partition, long offset, byte[] original, String what, String reason) {

    /** Error class of these dead letters. */
    static final String ERROR_CLASS = "UNREADABLE_CHECKPOINT";

    /** topic/partition@offset of the event. */
    String origin() {
        return topic + "/" + partition + "@" + offset;
    }

    /** The line for the listener and the log. */
    String notice() {
        return "skipped " + what + " (" + origin() + "): " + reason;
    }

    DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setOriginalBytes(ByteBuffer.wrap(original)).setOrigin(origin())
                .setSourceTopic(topic).setSourcePartition(partition).setSourceOffset(offset)
                .setErrorClass(ERROR_CLASS).setReason(what + ": " + reason).setAt(Instant.now()).build();
    }

    static String firstLine(Throwable e) {
        return e == null ? "no detail" : String.valueOf(e.getMessage()).lines().findFirst().orElse("no detail");
    }

    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
