package dev.tralign.ingest.parse;

import dev.tralign.schemas.serde.Utf8Encoding;
import java.security.MessageDigest;

/**
 * Feeds a digest the 4-byte big-endian UTF-8 length of a text and then its UTF-8 bytes, exactly as
 * {@code String.getBytes(UTF_8)} encodes them (a lone surrogate becomes '?'), through a per-thread buffer instead
 * of two fresh arrays per text.
 */
final class LengthPrefixedUtf8 {

    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

    private LengthPrefixedUtf8() {
    }

    static void update(MessageDigest digest, String text) {
        int length = text.length();
        byte[] out = BUFFERS.get();
        if (out.length < 4 + 3 * length) {
            out = new byte[4 + 3 * length];
            BUFFERS.set(out);
        }
        char[] chars = Chars.of(text, 0);
        int n = Utf8Encoding.encode(chars, length, out, 4);
        int bytes = n - 4;
        out[0] = (byte) (bytes >>> 24);
        out[1] = (byte) (bytes >>> 16);
        out[2] = (byte) (bytes >>> 8);
        out[3] = (byte) bytes;
        digest.update(out, 0, n);
    }
}
