package dev.tralign.evaluator.service;

import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.store.Blob;
import dev.tralign.store.CheckpointStore;
import dev.tralign.store.LocalCheckpointStore;
import dev.tralign.store.LocalCopy;
import dev.tralign.store.ReadLimits;
import dev.tralign.store.StoreLocation;
import dev.tralign.store.StoreRetry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and checks the checkpoint an event points to, within bounds: a {@code file:} URI (a disk shared with the
 * trainer; only regular files, not /dev/zero, not a pipe) or, when the evaluator was given an S3 checkpoint store,
 * an {@code s3://} object inside that store, downloaded into a local directory. At most {@code maxBytes}, read and
 * hashed within {@code hashTimeout}, stopping as soon as the service closes; the sha256 must match the event's.
 * A store that does not answer (connection refused, timeouts, 5xx, throttling) is tried again with growing pauses
 * for up to {@code storeRetry} ({@link StoreRetry}), so a short outage delays the checkpoint instead of losing it; the
 * worker holds the task uncommitted meanwhile, so a crash retries it after restart. Anything else, and a store down
 * past that bound, is {@link Unreadable} with a reason, so the follower skips the event instead of dying on it or
 * reading forever. A download is kept until the next checkpoint is verified (or {@link #close}), so the disk holds
 * one checkpoint at a time.
 */
final class CheckpointSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSource.class);
    /** Default size cap: far above any checkpoint the built-in models write. */
    static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024 * 1024;
    /** Default hashing time limit. */
    static final Duration DEFAULT_HASH_TIMEOUT = Duration.ofMinutes(5);
    /** Default time to keep retrying a store that does not answer: outlasts a restart or a network blip. */
    static final Duration DEFAULT_STORE_RETRY = Duration.ofMinutes(10);

    /** Why a checkpoint cannot be evaluated. */
    static final class Unreadable extends Exception {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    private final long maxBytes;
    private final Duration hashTimeout;
    private final BooleanSupplier cancelled;
    private final StoreRetry retry;
    private final Consumer<String> retrying;
    /** Null: file: URIs only, anywhere (the evaluator shares a disk with the trainer). */
    private final CheckpointStore store;
    private final Path downloads;
    private Path lastDownload;

    /** Reads {@code file:} checkpoints only. */
    CheckpointSource(long maxBytes, Duration hashTimeout, BooleanSupplier cancelled) {
        this(null, null, maxBytes, hashTimeout, Duration.ZERO, cancelled, line -> { });
    }

    /**
     * Reads checkpoints of {@code store} (an S3 store: objects under its prefix, downloaded into {@code downloads},
     * and {@code file:} URIs anywhere; a directory: only files under it), retrying a store that does not answer for
     * up to {@code storeRetry} and telling {@code retrying} (and the log) before each pause.
     */
    CheckpointSource(CheckpointStore store, Path downloads, long maxBytes, Duration hashTimeout, Duration storeRetry,
            BooleanSupplier cancelled, Consumer<String> retrying) {
        this.store = store;
        this.downloads = downloads;
        this.maxBytes = maxBytes;
        this.hashTimeout = hashTimeout;
        this.cancelled = cancelled;
        this.retry = new StoreRetry(storeRetry, cancelled);
        this.retrying = retrying;
    }

    /** The checkpoint as a local file, once its sha256 matched the event's. */
    Path verify(CheckpointEvent event) throws Unreadable {
        URI uri = uri(event.getUri());
        release();
        try {
            ReadLimits limits = new ReadLimits(maxBytes, hashTimeout, cancelled);
            LocalCopy copy = retry.call(() -> LocalCopy.of(this::open, uri, event.getSha256(), downloads, limits),
                    (attempt, pause, left, failure) -> {
                        String line = "store unreachable, retrying checkpoint step " + event.getStep() + " of run "
                                + event.getRunId() + " for up to " + left.toSeconds() + " s more (attempt " + attempt
                                + ", next in " + pause.toMillis() + " ms): " + failure.getMessage();
                        LOG.warn("{}", line);
                        retrying.accept(line);
                    });
            if (copy.downloaded()) {
                lastDownload = copy.path();
            }
            return copy.path();
        } catch (NoSuchFileException e) {
            throw new Unreadable(describe(uri) + " is missing");
        } catch (StoreRetry.GaveUp e) {
            throw new Unreadable("the checkpoint store did not answer for " + retry.budget() + " ("
                    + e.attempts() + " attempts; a transient failure: " + e.getCause().getMessage() + "); once it "
                    + "answers again, re-evaluate by resetting the evaluator group's offset on the checkpoint topic to "
                    + "this event (docs/operations.md, \"Reading\"), or allow longer outages with "
                    + "--store-retry-timeout");
        } catch (IOException e) {
            throw new Unreadable(e.getMessage());
        }
    }

    private Blob open(URI uri) throws IOException {
        boolean file = "file".equalsIgnoreCase(uri.getScheme());
        Blob blob;
        if (store != null && store.holds(uri)) {
            blob = store.open(uri);
        } else if (file && (store == null || store.location() instanceof StoreLocation.S3)) {
            blob = LocalCheckpointStore.openFile(uri);
        } else {
            throw new IOException("the URI '" + uri + "' is outside the checkpoint store the evaluator reads ("
                    + (store == null ? "file: checkpoints on a disk it shares with the trainer; an s3:// checkpoint "
                            + "needs --checkpoint-store s3://bucket/prefix" : store.location()) + ")");
        }
        if (blob.size() > maxBytes) {
            blob.close();
            throw new IOException(describe(uri) + " is " + blob.size() + " bytes, over the evaluator's limit of "
                    + maxBytes);
        }
        return blob;
    }

    private URI uri(String text) throws Unreadable {
        URI parsed;
        try {
            parsed = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new Unreadable("'" + text + "' is not a URI");
        }
        String scheme = parsed.getScheme();
        if (!"file".equalsIgnoreCase(scheme) && !"s3".equalsIgnoreCase(scheme)) {
            throw new Unreadable("the URI scheme of '" + text + "' is not supported; the evaluator reads file: "
                    + "checkpoints on a disk it shares with the trainer and s3:// objects of its checkpoint store");
        }
        return parsed;
    }

    private static String describe(URI uri) {
        try {
            return "file".equalsIgnoreCase(uri.getScheme()) ? LocalCheckpointStore.fileOf(uri).toString()
                    : uri.toString();
        } catch (IOException e) {
            return uri.toString();
        }
    }

    /** Deletes the previous download: the evaluator is done with it once it moved on. */
    private void release() {
        if (lastDownload != null) {
            try {
                Files.deleteIfExists(lastDownload);
            } catch (IOException e) {
                LOG.warn("could not delete the downloaded checkpoint {}: {}", lastDownload, e.getMessage());
            }
            lastDownload = null;
        }
    }

    @Override
    public void close() {
        release();
        if (store != null) {
            store.close();
        }
    }
}
