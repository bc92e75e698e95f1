package dev.tralign.ingest.parse;

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
        int n = 4;
        int i = 0;
        while (i < length) {
            char c = chars[i];
            while (c < 0x80) { // runs of plain ASCII (most of real text): one store per char
                out[n++] = (byte) c;
                if (++i == length) {
                    break;
                }
                c = chars[i];
            }
            if (i == length) {
                break;
            }
            if (c < 0x800) {
                out[n++] = (byte) (0xC0 | c >> 6);
                out[n++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                out[n++] = (byte) (0xF0 | cp >> 18);
                out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
                out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                out[n++] = '?';
            } else {
                out[n++] = (byte) (0xE0 | c >> 12);
                out[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | c & 0x3F);
            }
            i++;
        }
        int bytes = n - 4;
        out[0] = (byte) (bytes >>> 24);
        out[1] = (byte) (bytes >>> 16);
        out[2] = (byte) (bytes >>> 8);
        out[3] = (byte) bytes;
        digest.update(out, 0, n);
    }
}
