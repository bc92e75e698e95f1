package dev.tralign.trainerservice.source;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The record keys a run has already trained, as 64-bit fingerprints in an open-addressing set (16 bytes per key at
 * most, so 10 million keys take ~160 MB). Ingest keys every record by its content id, so a key seen twice is the
 * same pair or the same feedback sent twice (two HTTP requests, a file and a request): the trainer trains it once.
 * Two different keys share a fingerprint with probability ~n^2 / 2^65 (1 in 300,000 at 10 million keys); such a
 * record would be skipped as a duplicate.
 */
public final class SeenIds {

    private static final long EMPTY = 0L;
    private long[] slots = new long[1 << 10];
    private int size;
    /** The fingerprint 0 marks an empty slot, so it is remembered apart. */
    private boolean hasZero;

    /** Adds the fingerprint of {@code key}; false when it was already there. */
    public boolean add(byte[] key) {
        return addFingerprint(fingerprint(key));
    }

    boolean addFingerprint(long f) {
        if (f == EMPTY) {
            if (hasZero) {
                return false;
            }
            hasZero = true;
            size++;
            return true;
        }
        if ((size + 1) * 2L > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        for (int i = mix(f) & mask; ; i = (i + 1) & mask) {
            if (slots[i] == f) {
                return false;
            }
            if (slots[i] == EMPTY) {
                slots[i] = f;
                size++;
                return true;
            }
        }
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long f : old) {
            if (f != EMPTY) {
                int i = mix(f) & mask;
                while (slots[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                slots[i] = f;
            }
        }
    }

    private static int mix(long f) {
        long h = f * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    public int size() {
        return size;
    }

    /** Forgets every key (a new epoch of a bounded run trains each key once more). */
    public void clear() {
        Arrays.fill(slots, EMPTY);
        size = 0;
        hasZero = false;
    }

    /** The first 64 bits of SHA-256 of the key bytes. */
    static long fingerprint(byte[] key) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(key)).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
