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
     * @param nfcInert      every character is NFC-inert (see {@link #isNfcInert}), so the text is already NFC
     */
    public record Scan(int loneSurrogate, int utf8Length, boolean clean, boolean nfcInert) {
    }

    /**
     * True for characters with canonical combining class 0 and NFC quick check Yes: a text made only of them is
     * NFC (UAX #15 quick check), so the normaliser need not look at it. That is everything below U+0300 and the
     * General Punctuation that real text is full of (typographic quotes and dashes, bullets, ellipsis, primes):
     * U+2010..U+2027 and U+2030..U+205E, none of which has a canonical decomposition or combines with a
     * neighbour. Anything else (combining marks, Hangul jamo, CJK compatibility characters...) goes to the
     * normaliser's own check.
     */
    static boolean isNfcInert(char c) {
        return c < FIRST_COMBINING_MARK || c >= '\u2010' && c <= '\u2027' || c >= '\u2030' && c <= '\u205E';
    }

    /** One pass over the text collecting everything the rules need (records are checked on the hot path). */
    public static Scan scan(String text) {
        int length = text.length();
        char[] chars = Chars.of(text, 0);
        int bytes = 0;
        boolean clean = true;
        boolean inert = true;
        int i = 0;
        while (i < length) {
            // Printable ASCII (nearly every character of real text) needs nothing: 8 chars per test. A char c is
            // in 0x20..0x7E iff neither c - 0x20 nor 0x7E - c is negative.
            while (i + 8 <= length) {
                int c0 = chars[i];
                int c1 = chars[i + 1];
                int c2 = chars[i + 2];
                int c3 = chars[i + 3];
                int c4 = chars[i + 4];
                int c5 = chars[i + 5];
                int c6 = chars[i + 6];
                int c7 = chars[i + 7];
                if ((c0 - 0x20 | 0x7E - c0 | c1 - 0x20 | 0x7E - c1 | c2 - 0x20 | 0x7E - c2 | c3 - 0x20 | 0x7E - c3
                        | c4 - 0x20 | 0x7E - c4 | c5 - 0x20 | 0x7E - c5 | c6 - 0x20 | 0x7E - c6 | c7 - 0x20
                        | 0x7E - c7) < 0) {
                    break;
                }
                i += 8;
                bytes += 8;
            }
            if (i == length) {
                break;
            }
            char c = chars[i];
            if (c < 0x80) {
                bytes++;
                if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7F) {
                    clean = false;
                }
                i++;
                continue;
            }
            if (c < 0x800) {
                bytes += 2;
                if (c <= 0x9F) {
                    clean = false;
                }
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(chars[i + 1])) {
                    bytes += 4;
                    inert = false;
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
            inert &= isNfcInert(c);
            i++;
        }
        return new Scan(-1, bytes, clean, inert);
    }

    /** {@link #normalise(String)} given the text's {@link #scan}: skips the work the scan shows is not needed. */
    public static String normalise(String text, Scan scan) {
        if (scan.clean() && scan.nfcInert()) {
            return text;
        }
        return normalise(text);
    }

    /** {@code a.strip().equals(b.strip())} without copying either text. */
    public static boolean equalAfterStrip(String a, String b) {
        int aStart = stripStart(a);
        int aEnd = stripEnd(a, aStart);
        int bStart = stripStart(b);
        int bEnd = stripEnd(b, bStart);
        return aEnd - aStart == bEnd - bStart && a.regionMatches(aStart, b, bStart, aEnd - aStart);
    }

    private static int stripStart(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int stripEnd(String text, int start) {
        int end = text.length();
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return end;
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

    /**
     * Index of the first control character (C0 other than tab and line feed, carriage return included; DEL; C1),
     * or -1: for texts that are names, where control characters are refused rather than removed.
     */
    public static int firstControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\n' && c != '\t' && (c < 0x20 || c >= 0x7F && c <= 0x9F)) {
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
