package dev.tralign.schemas.serde;

import java.util.Arrays;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;

/**
 * An Avro binary encoder writing into its own growable array, reused record after record by one thread: the
 * Confluent header and the body go to the same array and the caller takes one exact-size copy. Writes the same
 * bytes as Avro's own encoders; strings are encoded to UTF-8 in place (as {@code String.getBytes(UTF_8)} does, a
 * lone surrogate becomes '?') instead of through a fresh array per string. Not thread-safe: one per thread.
 */
final class ArrayBinaryEncoder extends BinaryEncoder {

    /** Big enough for typical records (HH pairs are ~1.2 KB); grows on demand. */
    private static final int INITIAL_CAPACITY = 4 * 1024;
    /** A buffer grown beyond this by one huge record is dropped after it, so a thread does not keep it. */
    private static final int MAX_RETAINED_CAPACITY = 1024 * 1024;

    private byte[] buf = new byte[INITIAL_CAPACITY];
    private char[] chars = new char[INITIAL_CAPACITY];
    private int pos;

    /** Starts a new record: the 5-byte Confluent header for {@code schemaId}, then the body is written after it. */
    void startRecord(int schemaId) {
        if (buf.length > MAX_RETAINED_CAPACITY) {
            buf = new byte[INITIAL_CAPACITY];
        }
        if (chars.length > MAX_RETAINED_CAPACITY) {
            chars = new char[INITIAL_CAPACITY];
        }
        buf[0] = WireFormat.MAGIC;
        buf[1] = (byte) (schemaId >>> 24);
        buf[2] = (byte) (schemaId >>> 16);
        buf[3] = (byte) (schemaId >>> 8);
        buf[4] = (byte) schemaId;
        pos = WireFormat.HEADER_SIZE;
    }

    /** The bytes written since {@link #startRecord}, header included, as a new exact-size array. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(long more) {
        long needed = pos + more;
        if (needed > buf.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("an Avro record over 2 GB cannot be serialized");
            }
            buf = Arrays.copyOf(buf, (int) Math.max(needed, Math.min((long) buf.length * 2, Integer.MAX_VALUE - 8)));
        }
    }

    @Override
    public void writeBoolean(boolean b) {
        ensure(1);
        pos += BinaryData.encodeBoolean(b, buf, pos);
    }

    @Override
    public void writeInt(int n) {
        ensure(5);
        pos += BinaryData.encodeInt(n, buf, pos);
    }

    @Override
    public void writeLong(long n) {
        ensure(10);
        pos += BinaryData.encodeLong(n, buf, pos);
    }

    @Override
    public void writeFloat(float f) {
        ensure(4);
        pos += BinaryData.encodeFloat(f, buf, pos);
    }

    @Override
    public void writeDouble(double d) {
        ensure(8);
        pos += BinaryData.encodeDouble(d, buf, pos);
    }

    @Override
    public void writeFixed(byte[] bytes, int start, int len) {
        ensure(len);
        System.arraycopy(bytes, start, buf, pos, len);
        pos += len;
    }

    @Override
    protected void writeZero() {
        ensure(1);
        buf[pos++] = 0;
    }

    /**
     * The UTF-8 length as a zig-zag varint, then the UTF-8 bytes. The text is encoded once, right after room for
     * the length prefix its char count implies; a longer prefix (a text of many multi-byte characters) shifts it.
     */
    @Override
    public void writeString(String string) {
        int length = string.length();
        if (length == 0) {
            writeZero();
            return;
        }
        ensure(5 + 3L * length);
        char[] src = chars;
        if (src.length < length) {
            src = new char[Math.max(length, src.length * 2)];
            chars = src;
        }
        string.getChars(0, length, src, 0);
        byte[] out = buf;
        int guessedPrefix = varIntSize(length);
        int start = pos + guessedPrefix;
        int n = Utf8Encoding.encode(src, length, out, start);
        int bytes = n - start;
        int prefix = varIntSize(bytes);
        if (prefix != guessedPrefix) { // more bytes than chars: the length needs a longer varint
            System.arraycopy(out, start, out, pos + prefix, bytes);
        }
        pos += BinaryData.encodeInt(bytes, out, pos);
        pos += bytes;
    }

    /** Bytes of the zig-zag varint of a non-negative int. */
    static int varIntSize(int n) {
        long zigzag = (long) n << 1;
        int size = 1;
        while (zigzag >= 0x80) {
            zigzag >>>= 7;
            size++;
        }
        return size;
    }

    @Override
    public void flush() {
        // everything is in the array already
    }

    @Override
    public int bytesBuffered() {
        return 0;
    }
}
