package dev.tralign.trainerservice;

import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.store.CheckpointStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a run's checkpoint objects and staging files that no committed event can name
 * ({@link OrphanCheckpoints}; checkpoint.sweep_orphans): the object a crash between upload and commit left behind.
 * Housekeeping: a store that cannot list or delete is logged and the run goes on.
 */
final class OrphanSweep {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);

    private final String runId;
    private final CheckpointStore store;
    private final Path stagingDir;

    OrphanSweep(String runId, CheckpointStore store, Path stagingDir) {
        this.runId = runId;
        this.store = store;
        this.stagingDir = stagingDir;
    }

    /**
     * Sweeps given the run's complete committed history ({@code when} says at which point, for the log); call only
     * while this process holds the run's transactional.id and writes no checkpoint. Returns what it deleted.
     */
    List<URI> sweep(List<CheckpointEvent> committed, String when) {
        List<URI> deleted = new ArrayList<>();
        try {
            for (URI uri : OrphanCheckpoints.inStore(store.list(runId), committed)) {
                try {
                    store.delete(uri);
                    deleted.add(uri);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("run {}: could not delete orphaned checkpoint {}: {}", runId, uri, e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("run {}: could not list {} for checkpoints no committed event names (left in place; S3 needs "
                    + "s3:ListBucket): {}", runId, store.location(), e.getMessage());
        }
        for (Path file : OrphanCheckpoints.staged(stagingFiles(), committed)) {
            try {
                if (Files.deleteIfExists(file)) {
                    deleted.add(file.toUri());
                }
            } catch (IOException e) {
                LOG.warn("run {}: could not delete orphaned staging file {}: {}", runId, file, e.getMessage());
            }
        }
        if (!deleted.isEmpty()) {
            LOG.info("run {}: {}, swept {} checkpoint file(s) at steps after its last committed step {} (no "
                    + "committed event names them): {}", runId, when, deleted.size(),
                    OrphanCheckpoints.lastCommittedStep(committed).orElse(0), deleted);
        }
        return deleted;
    }

    private List<Path> stagingFiles() {
        if (!Files.isDirectory(stagingDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(stagingDir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            LOG.warn("run {}: could not list staging directory {}: {}", runId, stagingDir, e.getMessage());
            return List.of();
        }
    }
}
