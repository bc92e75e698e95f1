package dev.tralign.evaluator.online;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Keeps a fixed share of keys, decided by a hash of the key rather than a random draw, so a re-run of the topology
 * (or a restore from its changelog) keeps exactly the same pairs.
 */
public final class SamplingGate {

    private static final double TWO_TO_53 = 0x1p53;

    private SamplingGate() {
    }

    /** True for about {@code ratio} of all keys: the first 53 bits of sha256(key), as a fraction of 1, below ratio. */
    public static boolean keep(String key, double ratio) {
        if (ratio >= 1.0) {
            return true;
        }
        byte[] hash = PairIds.sha256().digest(("sample\0" + key).getBytes(StandardCharsets.UTF_8));
        long bits = ByteBuffer.wrap(hash).getLong() >>> 11;
        return bits / TWO_TO_53 < ratio;
    }
}
