package dev.tralign.trainerservice;

import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.store.CheckpointStore;
import dev.tralign.store.RetentionPolicy;
import dev.tralign.store.StoreLocation;
import dev.tralign.store.UploadRetry;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's side of the checkpoint store: puts each checkpoint file into {@code checkpoint.store} (S3 uploads retried
 * within checkpoint.upload_timeout_ms) before its transaction, and after the commit applies the retention rules
 * (checkpoint.keep_*) to the run's committed checkpoints. With an S3 store only the latest checkpoint's file stays in
 * the local staging directory.
 *
 * <p>A crash after an upload and before its transaction commits leaves an object no event names: harmless (readers
 * only follow committed events), swept by the next start of the run ({@link OrphanSweep}, checkpoint.sweep_orphans)
 * or replaced when the resumed run checkpoints that step again. When the run ends for good (completed, guard-stop)
 * the keeper sweeps once more after the final commit: nothing can name a step after the final one.
 */
final class CheckpointKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointKeeper.class);

    private final String runId;
    private final CheckpointStore store;
    private final UploadRetry upload;
    private final RetentionPolicy retention;
    /** Win rates and champions of the run's steps; only called when retention is on. */
    private final Supplier<RetentionFacts.Facts> facts;
    /** Committed checkpoints of the run this store holds, by step. */
    private final TreeMap<Long, URI> committed = new TreeMap<>();
    private Path lastStaged;
    /** Whether committed checkpoints of earlier processes were checked for having been deleted already. */
    private boolean historyChecked;
    /** Sweeps orphaned checkpoints after the run's final commit; null when checkpoint.sweep_orphans is off. */
    private OrphanSweep sweep;

    CheckpointKeeper(String runId, CheckpointStore store, Duration uploadTimeout, RetentionPolicy retention,
            Supplier<RetentionFacts.Facts> facts, List<CheckpointEvent> history) {
        this.runId = runId;
        this.store = store;
        this.upload = new UploadRetry(store, uploadTimeout);
        this.retention = retention;
        this.facts = facts;
        history.forEach(this::remember);
    }

    /** Sweeps with {@code sweep} once the run's final checkpoint committed and the run is over for good. */
    CheckpointKeeper sweepingOrphansAtEnd(OrphanSweep sweep) {
        this.sweep = sweep;
        return this;
    }

    /**
     * Puts the checkpoint file into the store and returns the URI its event carries.
     *
     * @throws CheckpointNotStoredException when the store did not take it within the upload timeout
     */
    URI store(SavedCheckpoint saved) {
        String key = runId + "/" + saved.path().getFileName();
        try {
            return upload.put(saved.path(), key, saved.sha256());
        } catch (IOException e) {
            throw new CheckpointNotStoredException("run " + runId + ": checkpoint step " + saved.step()
                    + " could not be stored, so it is not published and the run stops here; restart it to resume "
                    + "from its last committed checkpoint once " + store.location() + " is reachable ("
                    + e.getMessage() + ")", e);
        }
    }

    /** After the checkpoint's transaction committed: drop the previous staging file (S3), then apply retention. */
    void committed(CheckpointEvent event, Path stagedFile) {
        if (store.location() instanceof StoreLocation.S3) {
            if (lastStaged != null && !lastStaged.equals(stagedFile)) {
                deleteQuietly(lastStaged);
            }
            lastStaged = stagedFile;
        }
        remember(event);
        if (retention.enabled()) {
            applyRetention();
        }
        if (sweep != null && endsForGood(event)) {
            // Steps only grow, so the final event's step is the run's last: it alone bounds what may be named.
            sweep.sweep(List.of(event), "at its end (" + event.getMetadata().get("end") + ")");
        }
    }

    /** A final checkpoint of a completed or guard-stopped run: it will not train (nor checkpoint) again. */
    static boolean endsForGood(CheckpointEvent event) {
        String end = event.getMetadata().get("end");
        return event.getFinal$() && ("completed".equals(end) || TrainingLoop.GUARD_STOP.equals(end));
    }

    private void remember(CheckpointEvent event) {
        URI uri = URI.create(event.getUri());
        if (store.holds(uri)) {
            committed.put(event.getStep(), uri);
        }
    }

    private void applyRetention() {
        if (!historyChecked) {
            dropDeletedHistory();
            if (!historyChecked) {
                return;
            }
        }
        RetentionFacts.Facts known = facts.get();
        Set<Long> delete = retention.toDelete(committed.keySet(), known.judged(), known.champions());
        for (long step : delete) {
            URI uri = committed.get(step);
            try {
                store.delete(uri);
                committed.remove(step);
                LOG.info("run {}: retention deleted checkpoint step {} ({})", runId, step, uri);
            } catch (IOException | RuntimeException e) {
                // Retention is housekeeping: the next checkpoint tries again.
                LOG.warn("run {}: retention could not delete checkpoint step {} ({}): {}", runId, step, uri,
                        e.getMessage());
            }
        }
    }

    /**
     * Forgets committed checkpoints an earlier process of the run already deleted, once per process: otherwise a
     * deleted step could take a "best" place retention then cannot keep, and a kept one would go instead.
     */
    private void dropDeletedHistory() {
        try {
            for (Map.Entry<Long, URI> e : List.copyOf(committed.entrySet())) {
                if (!store.exists(e.getValue())) {
                    committed.remove(e.getKey());
                }
            }
            historyChecked = true;
        } catch (IOException e) {
            LOG.warn("run {}: could not check which checkpoints retention already deleted (trying again at the "
                    + "next checkpoint): {}", runId, e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".sha256"));
        } catch (IOException e) {
            LOG.debug("could not delete staging file {}: {}", file, e.getMessage());
        }
    }

    /** The checkpoint could not be put into the store: the run stops without publishing it. */
    static final class CheckpointNotStoredException extends UncheckedIOException {
        CheckpointNotStoredException(String message, IOException cause) {
            super(message, cause);
        }
    }
}
