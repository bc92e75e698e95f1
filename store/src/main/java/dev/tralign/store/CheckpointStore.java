package dev.tralign.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

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

    /** Whether {@code uri} names an object inside this store's location (and so may be opened or deleted by it). */
    boolean holds(URI uri);

    @Override
    void close();
}
