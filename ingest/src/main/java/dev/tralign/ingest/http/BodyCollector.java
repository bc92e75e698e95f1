package dev.tralign.ingest.http;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Collects a request body without holding a thread while the client is slow: it reads what has arrived, then
 * asks Jetty to call back when more does ({@code demand}). Stops with {@link TooLarge} as soon as the body passes
 * the limit (declared length or chunked), and with the read failure (Jetty's idle timeout, a dropped connection)
 * otherwise. Chunked bodies and their trailers are handled by Jetty; trailers are ignored.
 */
final class BodyCollector implements Runnable {

    /** The body passed the limit; no more of it was read. */
    static final class TooLarge extends Exception {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    /** The server's body budget is spent: the request should be retried shortly. */
    static final class Busy extends Exception {
        Busy() {
            super(null, null, false, false);
        }
    }

    private final Request request;
    private final int maxBytes;
    private final ByteBudget budget;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private byte[] buffer;
    private boolean released;
    private int length;

    private BodyCollector(Request request, int maxBytes, ByteBudget budget) {
        this.request = request;
        this.maxBytes = maxBytes;
        this.budget = budget;
        this.buffer = new byte[0];
    }

    /**
     * Starts reading; the future completes with the body or fails ({@link TooLarge}, {@link Busy}, or the read
     * failure). The bytes taken from {@code budget} are given back by {@code release}, whatever the outcome.
     */
    static BodyCollector collect(Request request, int maxBytes, ByteBudget budget) {
        BodyCollector collector = new BodyCollector(request, maxBytes, budget);
        collector.run();
        return collector;
    }

    CompletableFuture<byte[]> result() {
        return result;
    }

    /** Gives the body's bytes back to the budget (once the request is answered). */
    synchronized void release() {
        released = true;
        budget.giveBack(buffer.length);
        buffer = new byte[0];
        length = 0;
    }

    /** Copies the chunk's bytes; returns why reading must stop, or null. */
    private synchronized Exception append(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (released) {
            return new Busy(); // answered already (deadline); the result is ignored
        }
        if (n > maxBytes - length) {
            return new TooLarge();
        }
        if (length + n > buffer.length && !grow(n)) {
            return new Busy();
        }
        bytes.get(buffer, length, n);
        length += n;
        return null;
    }

    /** Grows the buffer (taking the growth from the budget), to the declared length or by doubling. */
    private synchronized boolean grow(int n) {
        long declared = request.getLength();
        int size = (int) Math.min(maxBytes, declared >= length + n ? declared
                : Math.max(Math.max(2L * buffer.length, 16 * 1024), length + n));
        if (!budget.tryTake(size - buffer.length)) {
            return false;
        }
        buffer = Arrays.copyOf(buffer, size);
        return true;
    }

    private synchronized byte[] body() {
        return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    }

    @Override
    public void run() {
        while (!result.isDone()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                result.completeExceptionally(chunk.getFailure());
                return;
            }
            boolean last = chunk.isLast();
            Exception stop;
            try {
                stop = append(chunk.getByteBuffer());
            } finally {
                chunk.release();
            }
            if (stop != null) {
                result.completeExceptionally(stop);
                return;
            }
            if (last) {
                result.complete(body());
                return;
            }
        }
    }
}
