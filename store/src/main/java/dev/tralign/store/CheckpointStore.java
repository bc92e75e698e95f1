package dev.tralign.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a run's checkpoints are kept ({@code checkpoint.store}): a local directory or an S3 bucket and prefix. The
 * trainer writes each checkpoint to a local file first (atomic rename, sha256), then {@link #put}s it here before
 * the Kafka transaction that publishes its event; readers {@link #open} the URI the event carries and check the
 * sha256 themselves.
 */
public interface CheckpointStore extends CheckpointOpener, AutoCloseable {

    /** The location as configured ({@code /var/lib/tralign/checkpoints} or {@code s3://bucket/prefix}). */
    StoreLocation location();

    /**
     * Makes the finished local checkpoint {@code file} durable in this store under {@code key} (a relative path such
     * as {@code run-1/step-100.ckpt}) and returns the URI readers open. Returns only once the store has the whole
     * object; throws when it could not (the caller may retry: a put of the same key replaces the object).
     */
    URI put(Path file, String key, String sha256) throws IOException;

    /** Whether the object is there (a missing one is false; an unreachable store an {@link IOException}). */
    boolean exists(URI uri) throws IOException;

    /** Removes the object; a missing one is not an error (retention may run twice over the same checkpoint). */
    void delete(URI uri) throws IOException;

    /**
     * The objects directly under {@code directory} (one key segment such as a run id), as the URIs {@link #delete}
     * takes, sorted: not those of a longer name sharing its start ({@code a-2/} when asked for {@code a}) nor those in
     * sub-directories. None when the directory does not exist; an unreachable store (or one that refuses to list, e.g.
     * S3 without {@code s3:ListBucket}) is an {@link IOException}.
     *
     * @throws IllegalArgumentException when {@code directory} is not a single plain segment
     */
    List<URI> list(String directory) throws IOException;

    /** The check every {@link #list} does on its argument: one segment, not {@code .} or {@code ..}. */
    static String segment(String directory) {
        if (directory == null || directory.isEmpty() || directory.equals(".") || directory.equals("..")
                || directory.contains("/") || directory.contains("\\")) {
            throw new IllegalArgumentException("'" + directory + "' is not one plain key segment (a run id): not listed");
        }
        return directory;
    }

    /** Whether {@code uri} names an object inside this store's location (and so may be opened or deleted by it). */
    boolean holds(URI uri);

    @Override
    void close();
}
