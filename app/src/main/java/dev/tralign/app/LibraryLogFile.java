package dev.tralign.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every log line to a file instead of the terminal, for commands whose terminal output is their own progress
 * ({@code tralign demo}): the embedded broker, Kafka clients, DJL and Jetty log dozens of INFO and WARN lines that
 * would interleave with it. The file gets the libraries' INFO lines too, which is what one wants when something
 * goes wrong.
 */
final class LibraryLogFile {

    private static final List<String> LIBRARIES = List.of("org.apache.kafka", "kafka", "ai.djl", "org.eclipse.jetty");

    private LibraryLogFile() {
    }

    /** Redirects logging to {@code <home>/.tralign/logs/<command>-<time>.log} and returns that path. */
    static Path redirect(Path home, String command) {
        Path file = home.resolve(".tralign").resolve("logs").resolve(command + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".log")
                .toAbsolutePath();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("LIBRARY_FILE");
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        for (String library : LIBRARIES) {
            context.getLogger(library).setLevel(Level.INFO);
        }
        return file;
    }
}
