package dev.tralign.store;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint a URI names, as a verified local file for code that loads files (the evaluator's policy, resume,
 * export). A {@code file:} URI is used in place; any other is downloaded into a directory (temporary file, then
 * rename), and a copy already there with the right sha256 is reused. Either way the bytes are hashed and must match.
 *
 * @param path the local file
 * @param downloaded true when {@code path} is a copy this class made (the caller may delete it when done)
 */
public record LocalCopy(Path path, boolean downloaded) {

    /**
     * Opens {@code uri} with {@code opener}, checks its sha256 against {@code sha256} within {@code limits}, and
     * returns a local file with those bytes. Downloads go to {@code <dir>/<bucket>/<key>}.
     *
     * @throws java.nio.file.NoSuchFileException the object is missing
     * @throws ChecksumMismatchException the bytes do not match
     * @throws IOException unreachable store, a bound hit, a local write failing
     */
    public static LocalCopy of(CheckpointOpener opener, URI uri, String sha256, Path dir, ReadLimits limits)
            throws IOException {
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            try (Blob blob = opener.open(uri)) {
                String actual = VerifiedRead.sha256(blob, null, limits);
                if (!actual.equalsIgnoreCase(sha256)) {
                    throw new ChecksumMismatchException(uri, actual, sha256);
                }
            }
            return new LocalCopy(LocalCheckpointStore.fileOf(uri), false);
        }
        Path target = localPath(dir, uri);
        Files.createDirectories(target.getParent());
        if (Files.isRegularFile(target) && sha256.equalsIgnoreCase(sha256Of(target, limits))) {
            return new LocalCopy(target, true);
        }
        Path tmp = Files.createTempFile(dir, target.getFileName() + ".", ".download");
        try {
            String actual;
            try (Blob blob = opener.open(uri); OutputStream out = Files.newOutputStream(tmp)) {
                actual = VerifiedRead.sha256(blob, out, limits);
            }
            if (!actual.equalsIgnoreCase(sha256)) {
                throw new ChecksumMismatchException(uri, actual, sha256);
            }
            AtomicReplace.move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new LocalCopy(target, true);
    }

    private static String sha256Of(Path file, ReadLimits limits) throws IOException {
        try (Blob blob = new Blob(file.toUri(), Files.size(file), Files.newInputStream(file))) {
            return VerifiedRead.sha256(blob, null, limits);
        }
    }

    /** {@code <dir>/<bucket>/<key>}: two runs' step-100.ckpt never meet; a key cannot climb out of dir. */
    private static Path localPath(Path dir, URI uri) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        String host = uri.getHost() == null ? "" : uri.getHost();
        String path = uri.getPath() == null ? "" : uri.getPath();
        Path target = root.resolve(host + path).normalize();
        if (host.isEmpty() || path.length() < 2 || path.endsWith("/") || !target.startsWith(root.resolve(host))) {
            throw new IOException(uri + " does not name an object (s3://bucket/key)");
        }
        return target;
    }
}
