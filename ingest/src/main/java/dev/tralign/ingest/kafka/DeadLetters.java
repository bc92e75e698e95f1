package dev.tralign.ingest.kafka;

import dev.tralign.ingest.parse.Origin;
import dev.tralign.ingest.parse.Rejection;
import dev.tralign.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Maps a {@link Rejection} to the {@link DeadLetter} record of tralign.dlq. Pure. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** The dead letter for a rejection, stamped {@code at}. */
    public static DeadLetter of(Rejection rejection, Instant at) {
        Origin origin = rejection.origin();
        return DeadLetter.newBuilder()
                .setOriginalBytes(ByteBuffer.wrap(rejection.originalBytes()))
                .setOrigin(origin.describe())
                .setSourceTopic(origin.topic())
                .setSourcePartition(origin.partition())
                .setSourceOffset(origin.offset())
                .setSourceFile(origin.file())
                .setSourceLine(origin.filePosition())
                .setRequestId(origin.requestId())
                .setErrorClass(rejection.errorClass().name())
                .setReason(rejection.reason())
                .setAt(at)
                .build();
    }

    /** The key of a dead letter: its origin, so the letters of one input stay in order on one partition. */
    public static String key(Rejection rejection) {
        Origin origin = rejection.origin();
        if (origin.file() != null) {
            return origin.file();
        }
        return origin.topic() != null ? origin.topic() + "/" + origin.partition() : "http/" + origin.requestId();
    }
}
