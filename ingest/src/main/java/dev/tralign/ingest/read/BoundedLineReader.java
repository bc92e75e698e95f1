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
    private byte[] kept = new byte[0];
    private int keptLength;

    BoundedLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The bytes of the line being read when an exception interrupted it (for dead letters). */
    byte[] partialLine() {
        return Arrays.copyOf(kept, keptLength);
    }

    /** The next line, or null at the end of input. */
    Line next() throws IOException {
        if (kept.length == 0) {
            kept = new byte[Math.min(maxBytes, 4096)]; // reused by every line, grown up to maxBytes
        }
        keptLength = 0;
        long length = 0;
        boolean sawAny = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return sawAny ? finish(length) : null;
                }
            }
            sawAny = true;
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int chunk = end - position;
            int room = maxBytes - keptLength;
            int copy = Math.min(chunk, room);
            if (copy > 0) {
                if (keptLength + copy > kept.length) {
                    kept = Arrays.copyOf(kept, Math.min(maxBytes, Math.max(kept.length * 2, keptLength + copy)));
                }
                System.arraycopy(buffer, position, kept, keptLength, copy);
                keptLength += copy;
            }
            length += chunk;
            position = end;
            if (end < limit) {
                position++; // the newline
                return finish(length);
            }
        }
    }

    private Line finish(long length) {
        if (keptLength > 0 && keptLength == length && kept[keptLength - 1] == '\r') {
            keptLength--;
            length--;
        }
        Line line = new Line(Arrays.copyOf(kept, keptLength), length);
        keptLength = 0;
        return line;
    }
}
