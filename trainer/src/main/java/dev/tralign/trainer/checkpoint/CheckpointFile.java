package dev.tralign.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes checkpoint files: the 8-byte magic "TRALIGN" + 0x01, a length-prefixed JSON
 * {@link CheckpointHeader}, then named groups ("policy", "reference", "adam.m", "adam.v") of named float32
 * tensors (shape + little-endian bytes). Writes go to a temporary file in the same directory, are fsynced and
 * renamed over the target, so a reader never sees half a checkpoint; the SHA-256 of the bytes is returned and
 * written beside the file as {@code <name>.sha256}.
 */
public final class CheckpointFile {

    private static final byte[] MAGIC = "TRALIGN\u0001".getBytes(StandardCharsets.ISO_8859_1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFile() {
    }

    /** Writes {@code header} and {@code groups} (group -> tensor name -> shape+values) atomically. */
    public static SavedCheckpoint write(Path file, CheckpointHeader header, Map<String, Map<String, Tensor>> groups) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
            MessageDigest digest = sha256();
            try (OutputStream raw = Files.newOutputStream(tmp);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                            new DigestOutputStream(raw, digest), 1 << 16))) {
                out.write(MAGIC);
                byte[] json = JSON.writeValueAsBytes(header);
                out.writeInt(json.length);
                out.write(json);
                out.writeInt(groups.size());
                for (Map.Entry<String, Map<String, Tensor>> group : groups.entrySet()) {
                    out.writeUTF(group.getKey());
                    out.writeInt(group.getValue().size());
                    for (Map.Entry<String, Tensor> t : group.getValue().entrySet()) {
                        writeTensor(out, t.getKey(), t.getValue());
                    }
                }
            }
            force(tmp);
            String hex = HexFormat.of().formatHex(digest.digest());
            long bytes = Files.size(tmp);
            move(tmp, target);
            Path sidecar = target.resolveSibling(target.getFileName() + ".sha256");
            Path sidecarTmp = Files.createTempFile(target.getParent(), target.getFileName() + ".sha256.", ".tmp");
            Files.writeString(sidecarTmp, hex + "  " + target.getFileName() + "\n");
            move(sidecarTmp, sidecar);
            return new SavedCheckpoint(target, hex, header.step(), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads the header and the requested groups (others are skipped); verifies the .sha256 sidecar if present. */
    public static Contents read(Path file, Set<String> wantedGroups) {
        MessageDigest digest = sha256();
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(
                        new DigestInputStream(raw, digest), 1 << 16))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(file + " is not a tralign checkpoint (bad magic)");
            }
            byte[] json = in.readNBytes(in.readInt());
            CheckpointHeader header = JSON.readValue(json, CheckpointHeader.class);
            if (header.format() != CheckpointHeader.FORMAT) {
                throw new IllegalArgumentException(file + " has checkpoint format " + header.format()
                        + ", this build reads format " + CheckpointHeader.FORMAT);
            }
            Map<String, Map<String, Tensor>> groups = new LinkedHashMap<>();
            int groupCount = in.readInt();
            for (int g = 0; g < groupCount; g++) {
                String name = in.readUTF();
                boolean keep = wantedGroups.contains(name);
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                int count = in.readInt();
                for (int i = 0; i < count; i++) {
                    String tensorName = in.readUTF();
                    Tensor t = readTensor(in, keep);
                    if (keep) {
                        tensors.put(tensorName, t);
                    }
                }
                if (keep) {
                    groups.put(name, tensors);
                }
            }
            in.transferTo(OutputStream.nullOutputStream());
            String hex = HexFormat.of().formatHex(digest.digest());
            verifySidecar(file, hex);
            return new Contents(header, groups, hex);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static void verifySidecar(Path file, String hex) throws IOException {
        Path sidecar = file.resolveSibling(file.getFileName() + ".sha256");
        if (Files.exists(sidecar)) {
            String recorded = Files.readString(sidecar).trim().split("\\s+")[0];
            if (!recorded.equalsIgnoreCase(hex)) {
                throw new IllegalStateException("checkpoint " + file + " is corrupt: sha256 " + hex + " but "
                        + sidecar.getFileName() + " records " + recorded);
            }
        }
    }

    private static void writeTensor(DataOutputStream out, String name, Tensor t) throws IOException {
        out.writeUTF(name);
        out.writeInt(t.shape().length);
        for (long d : t.shape()) {
            out.writeLong(d);
        }
        ByteBuffer bytes = ByteBuffer.allocate(t.values().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(t.values());
        out.writeInt(bytes.capacity());
        out.write(bytes.array());
    }

    private static Tensor readTensor(DataInputStream in, boolean keep) throws IOException {
        int rank = in.readInt();
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = in.readLong();
        }
        int length = in.readInt();
        if (!keep) {
            // Read, not skip: skipped bytes would bypass the digest and fail the sidecar check.
            byte[] discard = new byte[Math.min(length, 1 << 16)];
            for (int left = length; left > 0; ) {
                int n = in.read(discard, 0, Math.min(left, discard.length));
                if (n < 0) {
                    throw new IOException("truncated tensor data");
                }
                left -= n;
            }
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("truncated tensor data");
        }
        float[] values = new float[length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return new Tensor(shape, values);
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * SHA-256 (hex) of a checkpoint file's bytes, as {@link #write} records it: readers check a checkpoint is the one
     * its event names before they use it.
     */
    public static String sha256(Path file) {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** A tensor's shape and row-major values. */
    public record Tensor(long[] shape, float[] values) {
    }

    /** What {@link #read} found. */
    public record Contents(CheckpointHeader header, Map<String, Map<String, Tensor>> groups, String sha256) {

        public Map<String, Tensor> group(String name) {
            Map<String, Tensor> g = groups.get(name);
            if (g == null) {
                throw new IllegalArgumentException("checkpoint has no '" + name + "' tensors");
            }
            return g;
        }
    }
}
