package dev.tralign.trainer.model.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes float32 tensors as one {@code .safetensors} file, in the given order, with {@code __metadata__ =
 * {"format": "pt"}} (transformers refuses files without it) and the header padded with spaces to a multiple of 8
 * bytes, as the reference implementation does so the data section is aligned. Written to a temporary file and
 * renamed, so a reader never sees half a file.
 */
public final class SafetensorsWriter {

    /** A tensor to write: its shape and row-major float32 values. */
    public record Tensor(long[] shape, float[] values) {

        public Tensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                        + " values, got " + values.length);
            }
        }
    }

    private static final int CHUNK_FLOATS = 1 << 22;

    private SafetensorsWriter() {
    }

    public static void write(Path file, Map<String, Tensor> tensors) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            Arrays.stream(e.getValue().shape()).forEach(shape::add);
            long bytes = 4L * e.getValue().values().length;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes;
        try {
            headerBytes = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] headerPadded = Arrays.copyOf(headerBytes, padded);
        Arrays.fill(headerPadded, headerBytes.length, padded, (byte) ' ');
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerPadded);
            ByteBuffer buffer = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                // In chunks: 4 * length overflows an int for tensors above 512M values.
                for (int start = 0; start < t.values().length; start += CHUNK_FLOATS) {
                    int n = Math.min(CHUNK_FLOATS, t.values().length - start);
                    buffer.clear();
                    buffer.asFloatBuffer().put(t.values(), start, n);
                    out.write(buffer.array(), 0, 4 * n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + tmp + " to " + file + ": " + e.getMessage(), e);
        }
    }
}
