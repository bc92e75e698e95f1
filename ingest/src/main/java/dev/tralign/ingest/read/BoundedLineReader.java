package dev.tralign.ingest.read;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads '\n'-terminated lines of bytes in constant memory: at most {@code maxBytes} of a line are kept, the rest
 * is counted and skipped. A trailing '\r' is removed.
 */
final class BoundedLineReader {

    /** One line: the kept bytes and the full length in bytes. */
    record Line(byte[] bytes, long length) {
        boolean oversized() {
            return length > bytes.length;
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] partial = new byte[0];

    BoundedLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The bytes of the line being read when an exception interrupted it (for dead letters). */
    byte[] partialLine() {
        return partial;
    }

    /** The next line, or null at the end of input. */
    Line next() throws IOException {
        byte[] kept = new byte[256];
        int keptLength = 0;
        long length = 0;
        boolean sawAny = false;
        partial = new byte[0];
        while (true) {
            if (position == limit) {
                partial = Arrays.copyOf(kept, keptLength);
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return sawAny ? finish(kept, keptLength, length) : null;
                }
            }
            sawAny = true;
            byte b = buffer[position++];
            if (b == '\n') {
                return finish(kept, keptLength, length);
            }
            length++;
            if (keptLength < maxBytes) {
                if (keptLength == kept.length) {
                    kept = Arrays.copyOf(kept, Math.min(maxBytes, kept.length * 2));
                }
                kept[keptLength++] = b;
            }
        }
    }

    private Line finish(byte[] kept, int keptLength, long length) {
        if (keptLength > 0 && keptLength == length && kept[keptLength - 1] == '\r') {
            keptLength--;
            length--;
        }
        partial = new byte[0];
        return new Line(Arrays.copyOf(kept, keptLength), length);
    }
}
