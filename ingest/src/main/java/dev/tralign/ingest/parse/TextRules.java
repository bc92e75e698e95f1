package dev.tralign.ingest.parse;

import java.text.Normalizer;

/**
 * Pure text rules: lone-surrogate detection and normalisation (line endings to \n, control characters other
 * than \t and \n removed, stray BOMs removed, Unicode NFC) so that the same text typed on two systems hashes
 * to the same id.
 */
public final class TextRules {

    /** Characters below U+0300 are all NFC and none combines with a neighbour, so such text needs no check. */
    private static final char FIRST_COMBINING_MARK = '\u0300';

    private TextRules() {
    }

    /**
     * What one pass over a text found.
     *
     * @param loneSurrogate index of the first unpaired surrogate, or -1
     * @param utf8Length    UTF-8 length in bytes (valid when there is no lone surrogate)
     * @param clean         no character needs replacing or dropping
     * @param belowCombiningMarks every character is below U+0300 (hence already NFC)
     */
    public record Scan(int loneSurrogate, int utf8Length, boolean clean, boolean belowCombiningMarks) {
    }

    /** One pass over the text collecting everything the rules need (records are checked on the hot path). */
    public static Scan scan(String text) {
        int bytes = 0;
        boolean clean = true;
        char max = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
                if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7F) {
                    clean = false;
                }
                continue;
            }
            max = c > max ? c : max;
            if (c < 0x800) {
                bytes += 2;
                if (c <= 0x9F) {
                    clean = false;
                }
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                } else {
                    return new Scan(i, bytes, clean, false);
                }
            } else if (Character.isLowSurrogate(c)) {
                return new Scan(i, bytes, clean, false);
            } else {
                bytes += 3;
                if (c == '\uFEFF') {
                    clean = false;
                }
            }
        }
        return new Scan(-1, bytes, clean, max < FIRST_COMBINING_MARK);
    }

    /** {@link #normalise(String)} given the text's {@link #scan}: skips the work the scan shows is not needed. */
    public static String normalise(String text, Scan scan) {
        if (scan.clean() && scan.belowCombiningMarks()) {
            return text;
        }
        return normalise(text);
    }

    /** Index of the first unpaired surrogate, or -1. Such strings cannot be encoded as UTF-8. */
    public static int firstLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Normalises line endings and control characters, then applies NFC. */
    public static String normalise(String text) {
        if (isClean(text)) {
            return Normalizer.isNormalized(text, Normalizer.Form.NFC) ? text
                    : Normalizer.normalize(text, Normalizer.Form.NFC);
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                out.append('\n');
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (c == '\n' || c == '\t' || !isDroppedControl(c)) {
                out.append(c);
            }
        }
        // The quick check answers "already NFC" for nearly all real text, far cheaper than normalising.
        return Normalizer.isNormalized(out, Normalizer.Form.NFC) ? out.toString()
                : Normalizer.normalize(out, Normalizer.Form.NFC);
    }

    /** UTF-8 length of a (surrogate-free) string, counted without encoding it. */
    public static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** True if no character needs replacing or dropping (the common case: no copy is made). */
    private static boolean isClean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || (c != '\n' && c != '\t' && isDroppedControl(c))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDroppedControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\uFEFF';
    }
}
