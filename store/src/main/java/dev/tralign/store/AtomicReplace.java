package dev.tralign.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Puts a finished temporary file in its final place: an atomic rename where the file system has one, so a reader
 * sees the old file or the whole new one, never a part; a plain replacing move where it has not.
 */
final class AtomicReplace {

    private AtomicReplace() {
    }

    /** Moves {@code from} onto {@code to}, replacing it. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
