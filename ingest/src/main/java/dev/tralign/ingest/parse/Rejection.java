package dev.tralign.ingest.parse;

import java.util.Arrays;
import java.util.Objects;

/**
 * Input tralign could not accept.
 *
 * @param errorClass    short machine-readable class
 * @param field         the offending field, or null when the record as a whole is wrong
 * @param reason        what is wrong and how to fix it (without the origin)
 * @param origin        where the input came from
 * @param originalBytes the input as received (possibly cut to the record size limit)
 */
public record Rejection(ErrorClass errorClass, String field, String reason, Origin origin, byte[] originalBytes) {

    /** Requires class, reason and origin; null bytes become empty. */
    public Rejection {
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(origin, "origin");
        originalBytes = originalBytes == null ? new byte[0] : originalBytes;
    }

    /** "file.jsonl line 17: field 'chosen' is missing; ..." */
    public String describe() {
        return origin.describe() + ": " + reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rejection r && r.errorClass == errorClass && Objects.equals(r.field, field)
                && r.reason.equals(reason) && r.origin.equals(origin) && Arrays.equals(r.originalBytes, originalBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(errorClass, field, reason, origin, Arrays.hashCode(originalBytes));
    }

    @Override
    public String toString() {
        return "Rejection[" + errorClass + (field == null ? "" : " " + field) + ": " + describe() + "]";
    }
}
