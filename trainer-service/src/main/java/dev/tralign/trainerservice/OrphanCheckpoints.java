package dev.tralign.trainerservice;

import dev.tralign.schemas.avro.CheckpointEvent;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which of a run's checkpoint files no committed event can name. A run's steps only grow and one process writes a
 * run at a time (an older one is fenced by the transactional.id before the history is read), so once the history is
 * read to its end, a checkpoint at a step after the last committed one comes from a transaction that never committed
 * (a crash between upload and commit) and nothing will ever name it: the resumed run writes such a step anew. Never
 * chosen: anything at or before the last committed step (named, kept or already deleted by retention, it is not
 * ours to judge), anything a committed event names, anything not named like a checkpoint, and everything when the
 * run has no committed checkpoint at all (its history may be lost, e.g. a recreated topic). Pure.
 */
final class OrphanCheckpoints {

    /** A stored checkpoint: {@code step-<n>.ckpt} (the local store's sidecar goes with it on delete). */
    private static final Pattern STORED = Pattern.compile("step-(\\d{1,18})\\.ckpt");
    /** A staging file: the checkpoint, its sha256 sidecar, or a temporary file a crash left while writing either. */
    private static final Pattern STAGED = Pattern.compile("step-(\\d{1,18})\\.ckpt(?:\\.sha256)?(?:\\.[^/]+\\.tmp)?");

    private OrphanCheckpoints() {
    }

    /** The last committed step, if the run committed any checkpoint. */
    static OptionalLong lastCommittedStep(List<CheckpointEvent> committed) {
        return committed.stream().mapToLong(CheckpointEvent::getStep).max();
    }

    /** Of the objects listed under the run's key, those no committed event can name. */
    static List<URI> inStore(List<URI> listed, List<CheckpointEvent> committed) {
        OptionalLong last = lastCommittedStep(committed);
        if (last.isEmpty()) {
            return List.of();
        }
        Set<URI> named = committed.stream().map(e -> URI.create(e.getUri())).collect(Collectors.toSet());
        return listed.stream().filter(uri -> !named.contains(uri))
                .filter(uri -> after(STORED, lastSegment(uri), last.getAsLong())).toList();
    }

    /** Of the files in the run's staging directory, those no committed event can name. */
    static List<Path> staged(List<Path> files, List<CheckpointEvent> committed) {
        OptionalLong last = lastCommittedStep(committed);
        if (last.isEmpty()) {
            return List.of();
        }
        Set<URI> named = committed.stream().map(e -> URI.create(e.getUri())).collect(Collectors.toSet());
        return files.stream().filter(f -> !named.contains(f.toAbsolutePath().normalize().toUri()))
                .filter(f -> f.getFileName() != null && after(STAGED, f.getFileName().toString(), last.getAsLong()))
                .toList();
    }

    private static boolean after(Pattern pattern, String name, long lastStep) {
        Matcher m = pattern.matcher(name);
        return m.matches() && Long.parseLong(m.group(1)) > lastStep;
    }

    private static String lastSegment(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
