package dev.tralign.evaluator.service;

import dev.tralign.schemas.avro.CheckpointEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Finds and checks the file a checkpoint event points to, within bounds: only {@code file:} URIs, only regular files
 * (not /dev/zero, not a pipe), at most {@code maxBytes}, hashed within {@code hashTimeout} and stopping as soon as
 * the service closes. Anything else is {@link Unreadable} with a reason, so the follower skips the event instead of
 * dying on it or hashing forever.
 */
final class CheckpointSource {

    /** Default size cap: far above any checkpoint the built-in models write. */
    static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024 * 1024;
    /** Default hashing time limit. */
    static final Duration DEFAULT_HASH_TIMEOUT = Duration.ofMinutes(5);

    /** Why a checkpoint cannot be evaluated. */
    static final class Unreadable extends Exception {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    private final long maxBytes;
    private final Duration hashTimeout;
    private final BooleanSupplier cancelled;

    CheckpointSource(long maxBytes, Duration hashTimeout, BooleanSupplier cancelled) {
        this.maxBytes = maxBytes;
        this.hashTimeout = hashTimeout;
        this.cancelled = cancelled;
    }

    /** The checkpoint's file, once its sha256 matched the event's. */
    Path verify(CheckpointEvent event) throws Unreadable {
        Path file = file(event.getUri());
        String actual = sha256(file);
        if (!actual.equals(event.getSha256())) {
            throw new Unreadable("sha256 of " + file + " is " + actual + ", the event says " + event.getSha256()
                    + " (the file is truncated, replaced or still being written)");
        }
        return file;
    }

    private Path file(String uri) throws Unreadable {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new Unreadable("'" + uri + "' is not a URI");
        }
        if (!"file".equalsIgnoreCase(parsed.getScheme())) {
            throw new Unreadable("the URI scheme of '" + uri + "' is not supported; the evaluator reads file: "
                    + "checkpoints on a disk it shares with the trainer");
        }
        Path file;
        try {
            file = Path.of(parsed);
        } catch (IllegalArgumentException e) {
            throw new Unreadable("'" + uri + "' does not name a local file (" + e.getMessage() + ")");
        }
        if (!Files.isRegularFile(file)) {
            throw new Unreadable(file + " is " + (Files.exists(file) ? "not a regular file" : "missing"));
        }
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new Unreadable(file + " is " + size + " bytes, over the evaluator's limit of " + maxBytes);
            }
        } catch (IOException e) {
            throw new Unreadable("cannot read " + file + " (" + e.getMessage() + ")");
        }
        return file;
    }

    private String sha256(Path file) throws Unreadable {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        long deadline = System.nanoTime() + hashTimeout.toNanos();
        long total = 0;
        ByteBuffer buffer = ByteBuffer.allocate(1024 * 1024);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer.clear()) >= 0) {
                total += buffer.position();
                if (total > maxBytes) {
                    throw new Unreadable(file + " grew past the evaluator's limit of " + maxBytes + " bytes");
                }
                if (System.nanoTime() > deadline) {
                    throw new Unreadable(String.format(Locale.ROOT, "hashing %s took longer than %d s (%d bytes "
                            + "read)", file, hashTimeout.toSeconds(), total));
                }
                if (cancelled.getAsBoolean()) {
                    throw new Unreadable("the evaluator is closing");
                }
                digest.update(buffer.flip());
            }
        } catch (IOException e) {
            throw new Unreadable("cannot read " + file + " (" + e.getMessage() + ")");
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
