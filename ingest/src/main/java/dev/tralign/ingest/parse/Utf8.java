package dev.tralign.ingest.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation without decoding (RFC 3629): rejects stray continuation bytes, overlong forms
 * (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates encoded as bytes (ED A0..BF, "CESU-8"), code points above
 * U+10FFFF and truncated sequences. Validating first lets Jackson parse the bytes directly, which is faster than
 * decoding to a String and parsing that.
 */
public final class Utf8 {

    /** Reads 8 bytes at once: runs of ASCII (most of real text) are checked a word at a time. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {
    }

    /** Index of the first byte that starts an invalid sequence in bytes[from, to), or -1 if all is valid. */
    public static int firstInvalid(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            while (i + Long.BYTES <= to && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                i += Long.BYTES;
            }
            if (i == to) {
                break;
            }
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xFF;
            int needed;
            int min = 0x80;
            int max = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                needed = 2;
                if (b == 0xE0) {
                    min = 0xA0;
                } else if (b == 0xED) {
                    max = 0x9F;
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                needed = 3;
                if (b == 0xF0) {
                    min = 0x90;
                } else if (b == 0xF4) {
                    max = 0x8F;
                }
            } else {
                return i;
            }
            if (i + needed >= to) {
                return i; // truncated sequence
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k <= needed; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += needed + 1;
        }
        return -1;
    }

    /**
     * Index of the first control byte JSON text cannot hold raw (below 0x20 except tab, line feed and carriage
     * return), or -1. Run after {@link #firstInvalid}: besides being invalid JSON, zero bytes are what makes a JSON
     * parser guess UTF-16 or UTF-32 from the first four bytes.
     */
    public static int firstControl(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            // A word of bytes each in 0x20..0x7F (or any byte with the high bit, left to the byte loop): adding
            // 0x60 to a byte below 0x80 sets its high bit iff the byte is at least 0x20; no carry crosses bytes.
            while (i + Long.BYTES <= to) {
                long word = (long) LONGS.get(bytes, i);
                if ((((word & ~HIGH_BITS) + 0x6060606060606060L | word) & HIGH_BITS) != HIGH_BITS) {
                    break;
                }
                i += Long.BYTES;
            }
            int end = Math.min(to, i + Long.BYTES);
            for (; i < end; i++) {
                int b = bytes[i];
                if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
                    return i;
                }
            }
        }
        return -1;
    }
}
