package dev.tralign.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Checks files named on the command line before any work starts, so a typo fails in one clear line. */
final class InputFiles {

    private InputFiles() {
    }

    static void requireReadable(List<Path> files) {
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException(file + " does not exist or cannot be read");
            }
        }
    }
}
