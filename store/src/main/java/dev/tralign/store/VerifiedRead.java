package dev.tralign.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Reads a {@link Blob} to its end through SHA-256, copying the bytes to an optional sink, within {@link ReadLimits}:
 * the size cap is checked before reading (the store's stated size) and again as bytes arrive (a store may lie or a
 * file grow), the time limit and cancellation at every buffer. A bound that is hit is an {@link IOException} saying
 * which.
 */
public final class VerifiedRead {

    private static final int BUFFER = 1024 * 1024;

    private VerifiedRead() {
    }

    /** The sha256 (hex) of the blob's bytes, copied to {@code sink} when it is not null. */
    public static String sha256(Blob blob, OutputStream sink, ReadLimits limits) throws IOException {
        if (blob.size() > limits.maxBytes()) {
            throw new IOException(blob.uri() + " is " + blob.size() + " bytes, over the limit of "
                    + limits.maxBytes());
        }
        MessageDigest digest = newDigest();
        long deadline = System.nanoTime() + limits.timeout().toNanos();
        long total = 0;
        byte[] buffer = new byte[BUFFER];
        InputStream in = blob.stream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > limits.maxBytes()) {
                throw new IOException(blob.uri() + " grew past the limit of " + limits.maxBytes() + " bytes");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(String.format(Locale.ROOT, "reading %s took longer than %d s (%d bytes read)",
                        blob.uri(), limits.timeout().toSeconds(), total));
            }
            if (limits.cancelled().getAsBoolean()) {
                throw new IOException("reading " + blob.uri() + " was cancelled: the reader is closing");
            }
            digest.update(buffer, 0, n);
            if (sink != null) {
                sink.write(buffer, 0, n);
            }
        }
        if (blob.size() >= 0 && total != blob.size()) {
            throw new IOException(blob.uri() + " ended after " + total + " of its " + blob.size() + " bytes");
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
