package dev.tralign.evaluator.dashboard;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real headless Chromium with the DevTools protocol on a free local port, in a fresh profile that is deleted on
 * close. The binary is {@code -Dtralign.chromium=PATH}, else the first of chromium, chromium-browser, google-chrome
 * on the PATH; without one, {@link #start} fails with how to install it.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final String INSTALL_HINT = "headless Chromium is needed for the dashboard browser test: "
            + "install it (Debian/Ubuntu: apt-get install -y chromium fonts-liberation) or point "
            + "-Dtralign.chromium=/path/to/chrome at a Chrome/Chromium binary";

    private final Process process;
    private final Path profile;
    private final int devToolsPort;

    private HeadlessChromium(Process process, Path profile, int devToolsPort) {
        this.process = process;
        this.profile = profile;
        this.devToolsPort = devToolsPort;
    }

    /** Starts Chromium showing {@code url} and waits until its DevTools port is known. */
    static HeadlessChromium start(String url, int width, int height) throws IOException {
        Path binary = binary().orElseThrow(() -> new AssertionError(INSTALL_HINT));
        Path profile = Files.createTempDirectory("tralign-chromium");
        Path log = profile.resolve("chromium.log");
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                // --no-sandbox: the sandbox refuses to run as root (CI containers); the page is our own.
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile.resolve("user-data"),
                // Port 0: Chromium picks a free port and writes it to DevToolsActivePort in the profile.
                "--remote-debugging-port=0", url));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Path activePort = profile.resolve("user-data").resolve("DevToolsActivePort");
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || firstLine(activePort).isPresent());
        } catch (ConditionTimeoutException e) {
            stop(process);
            throw new AssertionError("Chromium did not open its DevTools port within 30 s; log:\n" + tail(log), e);
        }
        if (!process.isAlive()) {
            throw new AssertionError("Chromium (" + binary + ") exited with " + process.exitValue()
                    + " before opening DevTools; log:\n" + tail(log));
        }
        int port = Integer.parseInt(firstLine(activePort).orElseThrow().trim());
        return new HeadlessChromium(process, profile, port);
    }

    /** The DevTools HTTP/WebSocket port on 127.0.0.1. */
    int devToolsPort() {
        return devToolsPort;
    }

    /** The end of Chromium's own log, for failure messages. */
    String log() {
        return tail(profile.resolve("chromium.log"));
    }

    private static Optional<Path> binary() {
        String configured = System.getProperty("tralign.chromium");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> firstLine(Path file) {
        try {
            // Chromium writes the file in place; a line without its newline may be half written.
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            return end > 0 ? Optional.of(text.substring(0, end)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void stop(Process process) {
        // Renderer and zygote processes are children of the browser; end them with it.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop(process);
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
