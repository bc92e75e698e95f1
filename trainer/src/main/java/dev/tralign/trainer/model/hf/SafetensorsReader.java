package dev.tralign.trainer.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length N, N bytes of JSON (tensor name to
 * {@code dtype}, {@code shape}, {@code data_offsets} relative to the data section; optional {@code __metadata__}),
 * then the raw little-endian tensor bytes. Tensors are read one at a time into float32 on the JVM heap (F32, F16 and
 * BF16 are converted), because that is what a {@code ParameterSet} is built from; DJL's
 * {@code NDList.decode(SAFETENSORS)} would instead load the whole file into native arrays of the stored dtype.
 */
public final class SafetensorsReader {

    /** Headers larger than this are refused as corrupt (real ones are a few hundred KB). */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final int CHUNK_BYTES = 64 << 20;

    /** A tensor's place in the file. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path file;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Reads and checks the header of {@code file}. */
    public static SafetensorsReader open(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new IllegalArgumentException(file + " is not a safetensors file: " + size + " bytes, the "
                        + "8-byte header length alone needs more");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
                throw new IllegalArgumentException(file + " is not a safetensors file: header length " + headerLength
                        + " does not fit its " + size + " bytes");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, file);
            JsonNode header = new ObjectMapper().readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            if (header == null || !header.isObject()) {
                throw new IllegalArgumentException(file + ": the safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            return new SafetensorsReader(file, dataStart, parseEntries(file, header, size - dataStart),
                    parseMetadata(header));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Entry> parseEntries(Path file, JsonNode header, long dataBytes) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = field.getValue();
            String name = field.getKey();
            JsonNode offsets = t.path("data_offsets");
            if (!t.path("dtype").isTextual() || !t.path("shape").isArray() || offsets.size() != 2) {
                throw new IllegalArgumentException(file + ": tensor '" + name + "' needs dtype, shape and "
                        + "data_offsets [begin, end] in the header, got " + t);
            }
            long[] shape = new long[t.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.path("shape").get(i).asLong();
            }
            Entry e = new Entry(name, t.path("dtype").asText(), shape, offsets.get(0).asLong(),
                    offsets.get(1).asLong());
            int width = Dtype.bytesOf(e.dtype());
            if (e.begin() < 0 || e.end() > dataBytes || e.end() - e.begin() != e.elements() * width) {
                throw new IllegalArgumentException(file + ": tensor '" + name + "' (" + e.dtype() + " "
                        + java.util.Arrays.toString(shape) + ") has data_offsets [" + e.begin() + ", " + e.end()
                        + "] that do not match its size or the file's " + dataBytes + " data bytes");
            }
            out.put(name, e);
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, String> parseMetadata(JsonNode header) {
        Map<String, String> out = new LinkedHashMap<>();
        header.path("__metadata__").fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return Collections.unmodifiableMap(out);
    }

    public Path file() {
        return file;
    }

    /** Tensors in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor's values as float32, row-major in its stored shape. */
    public float[] readFloats(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file + " has no tensor '" + name + "'");
        }
        Dtype dtype = Dtype.of(e.dtype(), file, name);
        long count = e.elements();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' has " + count + " elements, more "
                    + "than one Java array holds");
        }
        float[] out = new float[(int) count];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int done = 0;
            long position = dataStart + e.begin();
            while (done < out.length) {
                int n = Math.min(out.length - done, CHUNK_BYTES / dtype.width);
                ByteBuffer chunk = ByteBuffer.allocate(n * dtype.width).order(ByteOrder.LITTLE_ENDIAN);
                readFully(channel, chunk, position, file);
                chunk.flip();
                dtype.decode(chunk, out, done, n);
                done += n;
                position += (long) n * dtype.width;
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read tensor '" + name + "' of " + file + ": " + ex.getMessage(),
                    ex);
        }
        return out;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position, Path file) throws IOException {
        long p = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, p);
            if (n < 0) {
                throw new IOException(file + " ends early (truncated download?)");
            }
            p += n;
        }
    }

    /** Whether {@code path} exists as a regular file. */
    static boolean exists(Path path) {
        return Files.isRegularFile(path);
    }

    /** The floating-point storage types a model's weights come in. */
    enum Dtype {
        F32(4), F16(2), BF16(2);

        private final int width;

        Dtype(int width) {
            this.width = width;
        }

        static int bytesOf(String name) {
            return switch (name) {
                case "F64", "I64", "U64" -> 8;
                case "F32", "I32", "U32" -> 4;
                case "F16", "BF16", "I16", "U16" -> 2;
                case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
                default -> throw new IllegalArgumentException("unknown safetensors dtype " + name);
            };
        }

        static Dtype of(String name, Path file, String tensor) {
            try {
                return valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": tensor '" + tensor + "' is " + name + "; model weights "
                        + "are read from F32, F16 or BF16 (quantized or integer checkpoints are not supported)");
            }
        }

        void decode(ByteBuffer in, float[] out, int offset, int n) {
            switch (this) {
                case F32 -> in.asFloatBuffer().get(out, offset, n);
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        // bfloat16 is the top half of a float32.
                        out[offset + i] = Float.intBitsToFloat((in.getShort() & 0xffff) << 16);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        out[offset + i] = halfToFloat(in.getShort());
                    }
                }
                default -> throw new IllegalStateException(name());
            }
        }
    }

    /** IEEE 754 binary16 to float32, exact (every half value is a float). Java 17 has no Float.float16ToFloat. */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Subnormal half: mantissa * 2^-24, exact in float.
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
