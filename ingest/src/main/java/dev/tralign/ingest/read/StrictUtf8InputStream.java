package dev.tralign.ingest.read;

import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Passes bytes through while checking them as {@link dev.tralign.ingest.parse.Utf8} checks a whole record: strict
 * UTF-8 (no overlong forms, no CESU-8 surrogates, nothing above U+10FFFF) and no control bytes JSON cannot hold
 * raw. It fails at the first bad byte, before a parser sees it: a JSON parser reading a stream would otherwise
 * decode overlong forms, or guess UTF-16/32 from zero bytes. Used for JSON arrays, which are parsed as a stream.
 */
final class StrictUtf8InputStream extends FilterInputStream {

    /** The first bad byte of a stream; a reader turns it into a dead letter. */
    static final class InvalidBytesException extends CharConversionException {
        private final long position;

        InvalidBytesException(String message, long position) {
            super(message);
            this.position = position;
        }

        /** The 0-based position of the bad byte in the stream. */
        long position() {
            return position;
        }
    }

    private long position;
    /** Continuation bytes still expected, and the allowed range of the next one. */
    private int pending;
    private int nextMin = 0x80;
    private int nextMax = 0xBF;

    StrictUtf8InputStream(InputStream in) {
        super(in);
    }

    /**
     * The error found in bytes not yet handed out: raised when the reader asks for them, so that a parser reading
     * ahead in large blocks still gets (and emits) every record before the bad byte.
     */
    private InvalidBytesException deferred;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (deferred != null) {
            throw deferred;
        }
        int n = in.read(buffer, offset, length);
        if (n < 0) {
            atEnd();
            return n;
        }
        for (int i = 0; i < n; i++) {
            try {
                check(buffer[offset + i] & 0xFF);
            } catch (InvalidBytesException e) {
                if (i == 0) {
                    throw e;
                }
                deferred = e;
                return i;
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && read() >= 0) {
            skipped++;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check(int b) throws InvalidBytesException {
        if (pending > 0) {
            if (b < nextMin || b > nextMax) {
                throw invalid(b, "is not valid UTF-8 here (a multi-byte character is cut, overlong or a surrogate)");
            }
            pending--;
            nextMin = 0x80;
            nextMax = 0xBF;
        } else if (b < 0x80) {
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
                throw invalid(b, "is a control byte; JSON allows only tab, line feed and carriage return raw");
            }
        } else if (b >= 0xC2 && b <= 0xDF) {
            pending = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            pending = 2;
            nextMin = b == 0xE0 ? 0xA0 : 0x80;
            nextMax = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
            pending = 3;
            nextMin = b == 0xF0 ? 0x90 : 0x80;
            nextMax = b == 0xF4 ? 0x8F : 0xBF;
        } else {
            throw invalid(b, "does not start a valid UTF-8 sequence");
        }
        position++;
    }

    private void atEnd() throws InvalidBytesException {
        if (pending > 0) {
            throw new InvalidBytesException("the input ends inside a UTF-8 character", position);
        }
    }

    private InvalidBytesException invalid(int b, String what) {
        return new InvalidBytesException(String.format(Locale.ROOT, "byte 0x%02X at byte %d %s", b, position, what),
                position);
    }
}
