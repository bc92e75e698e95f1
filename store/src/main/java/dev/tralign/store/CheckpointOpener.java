package dev.tralign.store;

import java.io.IOException;
import java.net.URI;

/**
 * Opens the checkpoint a URI names, for readers that only follow URIs from checkpoint events (the evaluator, resume,
 * export). A missing object is a {@link java.nio.file.NoSuchFileException}; an unreachable store another
 * {@link IOException}.
 */
@FunctionalInterface
public interface CheckpointOpener {

    Blob open(URI uri) throws IOException;
}
