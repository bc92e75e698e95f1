package dev.tralign.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checkpoints in a local or mounted directory (today's behaviour): the trainer already wrote the file there, so
 * {@link #put} only checks it is in place (or copies it in atomically when it was written elsewhere); deleting removes
 * the file and its {@code .sha256} sidecar.
 */
public final class LocalCheckpointStore implements CheckpointStore {

    private final StoreLocation.Local location;
    private final Path root;

    public LocalCheckpointStore(StoreLocation.Local location) {
        this.location = location;
        this.root = location.directory().toAbsolutePath().normalize();
    }

    @Override
    public StoreLocation location() {
        return location;
    }

    @Override
    public URI put(Path file, String key, String sha256) throws IOException {
        Path target = root.resolve(key).normalize();
        if (!target.startsWith(root)) {
            throw new IllegalArgumentException("key " + key + " leaves the store's directory " + root);
        }
        Path source = file.toAbsolutePath().normalize();
        if (!source.equals(target)) {
            Files.createDirectories(target.getParent());
            copyAtomically(source, target);
            Path sidecar = source.resolveSibling(source.getFileName() + ".sha256");
            if (Files.exists(sidecar)) {
                copyAtomically(sidecar, target.resolveSibling(target.getFileName() + ".sha256"));
            }
        } else if (!Files.isRegularFile(target)) {
            throw new NoSuchFileException(target.toString(), null, "the checkpoint to store is missing");
        }
        return target.toUri();
    }

    @Override
    public Blob open(URI uri) throws IOException {
        return openFile(uri);
    }

    /** Opens a {@code file:} URI anywhere on this machine: only regular files (not a device, not a pipe). */
    public static Blob openFile(URI uri) throws IOException {
        Path file = fileOf(uri);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "missing");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file");
        }
        return new Blob(uri, Files.size(file), Files.newInputStream(file));
    }

    /** The local path of a {@code file:} URI. */
    public static Path fileOf(URI uri) throws IOException {
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException(uri + " is not a file: URI");
        }
        try {
            return Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new IOException("'" + uri + "' does not name a local file (" + e.getMessage() + ")");
        }
    }

    @Override
    public boolean exists(URI uri) throws IOException {
        return Files.isRegularFile(fileOf(uri));
    }

    @Override
    public void delete(URI uri) throws IOException {
        if (!holds(uri)) {
            throw new IllegalArgumentException(uri + " is not inside " + root + ": not deleted");
        }
        Path file = fileOf(uri);
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".sha256"));
    }

    @Override
    public List<URI> list(String directory) throws IOException {
        Path dir = root.resolve(CheckpointStore.segment(directory));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().map(Path::toUri).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    @Override
    public boolean holds(URI uri) {
        try {
            return fileOf(uri).toAbsolutePath().normalize().startsWith(root);
        } catch (IOException e) {
            return false;
        }
    }

    private static void copyAtomically(Path from, Path to) throws IOException {
        Path tmp = Files.createTempFile(to.getParent(), to.getFileName() + ".", ".tmp");
        try {
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            AtomicReplace.move(tmp, to);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void close() {
    }
}
