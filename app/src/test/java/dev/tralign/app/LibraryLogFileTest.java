package dev.tralign.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The demo's library logs go to the file it names, INFO included, and not to the terminal. */
class LibraryLogFileTest {

    @Test
    void libraryLinesGoToTheNamedFile(@TempDir Path home) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        try {
            Path file = LibraryLogFile.redirect(home, "demo");
            LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient").info("broker chatter");
            LoggerFactory.getLogger("ai.djl.pytorch.Engine").warn("engine notice");

            assertThat(file).startsWith(home.toAbsolutePath().resolve(".tralign/logs"));
            assertThat(file.getFileName().toString()).startsWith("demo-").endsWith(".log");
            assertThat(Files.readString(file)).contains("broker chatter").contains("engine notice");
            assertThat(context.getLogger("ROOT").getAppender("STDERR")).isNull();
        } finally {
            context.reset();
            new ContextInitializer(context).autoConfig();
        }
    }
}
