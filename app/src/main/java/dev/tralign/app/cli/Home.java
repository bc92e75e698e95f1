package dev.tralign.app.cli;

import java.nio.file.Path;

/** Where the checkout lives (set by ./tralign), so shared data beside it can be found. */
final class Home {

    private Home() {
    }

    static Path dir() {
        return Path.of(System.getProperty("tralign.home", ".")).toAbsolutePath().normalize();
    }

    /** A file under ../shared/data next to the checkout. */
    static Path sharedData(String relative) {
        return dir().resolve("..").resolve("shared").resolve("data").resolve(relative).normalize();
    }
}
