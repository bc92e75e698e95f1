package dev.tralign.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real S3-protocol server for tests: s3rver (npm, pinned in .ci/s3rver) as a child process on a loopback port,
 * objects on disk under a directory of the test's. {@link #stop()} and {@link #start()} take it down and bring it back
 * on the same port with the same objects ("server down and back"). Credentials are s3rver's fixed pair.
 */
public final class S3rverPeer implements AutoCloseable {

    /** s3rver's built-in credentials. */
    public static final String ACCESS_KEY_ID = "S3RVER";
    public static final String SECRET_ACCESS_KEY = "S3RVER";
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private final Path script;
    private final Path data;
    private final int port;
    private final List<String> buckets;
    private Process process;

    private S3rverPeer(Path script, Path data, int port, List<String> buckets) {
        this.script = script;
        this.data = data;
        this.port = port;
        this.buckets = List.copyOf(buckets);
    }

    /** Starts s3rver on a free loopback port with {@code buckets} created, objects under {@code data}. */
    public static S3rverPeer start(Path data, String... buckets) {
        S3rverPeer peer = new S3rverPeer(script(), data, Ports.reserve("127.0.0.1", 0, "(test)"), List.of(buckets));
        peer.start();
        return peer;
    }

    /** {@code .ci/s3rver/node_modules/s3rver/bin/s3rver.js} above the working directory; fails with the fix. */
    static Path script() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(".ci/s3rver"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no .ci/s3rver above " + System.getProperty("user.dir"));
        }
        Path script = dir.resolve(".ci/s3rver/node_modules/s3rver/bin/s3rver.js");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("the S3 peer is not installed (" + script + "): run "
                    + "`npm ci --prefix .ci/s3rver` in the repository root (needs node 20+ and npm)");
        }
        return script;
    }

    /** Starts (or restarts) the server on its port and waits until it accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("node", script.toString(), "-d", data.toString(), "-a",
                "127.0.0.1", "-p", Integer.toString(port), "--silent"));
        for (String bucket : buckets) {
            command.add("--configure-bucket");
            command.add(bucket);
        }
        try {
            Files.createDirectories(data);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(data.resolveSibling(data.getFileName() + ".s3rver.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start s3rver (is node on the PATH?): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3rver exited with " + process.exitValue() + "; see "
                        + data.getFileName() + ".s3rver.log");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3rver did not listen on port " + port + " within " + START_DEADLINE);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** Kills the server (SIGKILL); {@link #start()} brings it back with the same objects. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint override of an S3 client (path-style). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        stop();
    }
}
