package dev.tralign.trainer.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint file written atomically, with the SHA-256 of its bytes (also stored beside it as
 * {@code <file>.sha256} in sha256sum format).
 *
 * @param path the checkpoint file
 * @param sha256 hex digest of the file's bytes
 * @param step optimizer step it holds
 * @param bytes file size
 */
public record SavedCheckpoint(Path path, String sha256, long step, long bytes) {
}
