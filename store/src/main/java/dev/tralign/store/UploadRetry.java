package dev.tralign.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a checkpoint into a store, retrying with growing pauses (200 ms doubling to 10 s) until it succeeds or
 * {@code budget} has passed: an S3 endpoint that restarts or a network that blips costs a pause, not the run; a store
 * gone for longer ends the attempt with the last error, so the caller can stop cleanly without publishing the
 * checkpoint.
 */
public final class UploadRetry {

    private static final Logger LOG = LoggerFactory.getLogger(UploadRetry.class);

    private final CheckpointStore store;
    private final Duration budget;

    public UploadRetry(CheckpointStore store, Duration budget) {
        this.store = store;
        this.budget = budget;
    }

    /** {@link CheckpointStore#put}, retried within the budget; the last failure once it is spent. */
    public URI put(Path file, String key, String sha256) throws IOException {
        long deadline = System.nanoTime() + budget.toNanos();
        Backoff backoff = new Backoff();
        for (int attempt = 1;; attempt++) {
            try {
                URI uri = store.put(file, key, sha256);
                if (attempt > 1) {
                    LOG.info("stored {} at attempt {}", uri, attempt);
                }
                return uri;
            } catch (IOException e) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("gave up storing " + key + " in " + store.location() + " after " + attempt
                            + " attempts in " + budget.toSeconds() + " s: " + e.getMessage(), e);
                }
                long pause = Math.min(backoff.next().toMillis(), left / 1_000_000);
                LOG.warn("storing {} in {} failed (attempt {}), retrying in {} ms: {}", key, store.location(), attempt,
                        pause, e.getMessage());
                sleep(pause);
            }
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to retry an upload");
        }
    }
}
