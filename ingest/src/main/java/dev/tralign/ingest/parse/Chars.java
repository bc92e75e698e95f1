package dev.tralign.ingest.parse;

/**
 * Per-thread scratch arrays holding a string's characters, so the hot per-character loops (text rules, the HH
 * prompt split) run over a plain array instead of {@code charAt}, without allocating per record. Two slots, so two
 * texts can be compared. A slot is valid until the next call for the same slot on the same thread.
 */
final class Chars {

    private static final int SLOTS = 2;
    private static final ThreadLocal<char[][]> BUFFERS = ThreadLocal.withInitial(() -> new char[SLOTS][4096]);

    private Chars() {
    }

    /** The characters of {@code text} in scratch slot {@code slot} (0 or 1); only the first length() are valid. */
    static char[] of(String text, int slot) {
        char[][] buffers = BUFFERS.get();
        char[] buffer = buffers[slot];
        if (buffer.length < text.length()) {
            buffer = new char[Math.max(text.length(), buffer.length * 2)];
            buffers[slot] = buffer;
        }
        text.getChars(0, text.length(), buffer, 0);
        return buffer;
    }
}
