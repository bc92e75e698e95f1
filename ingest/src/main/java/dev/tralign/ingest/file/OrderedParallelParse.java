package dev.tralign.ingest.file;

import dev.tralign.ingest.parse.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs parse (and serialize) tasks in batches on a small pool while the calling thread keeps reading, and hands
 * the results downstream on the calling thread in input order. Order matters: duplicate detection and the
 * progress position must follow the file. At most {@code 16 * threads} batches are in flight, so memory stays
 * bounded (~1-2 MB per batch of HH-sized records) while the parsers can run ahead through a transaction commit,
 * during which the calling thread waits for the broker.
 *
 * @param <R> what the serializer makes of an outcome
 */
final class OrderedParallelParse<R> implements AutoCloseable {

    /** One parsed record and its serialized form. */
    record Prepared<R>(Outcome outcome, R serialized) {
    }

    private final ExecutorService pool;
    private final int batchSize;
    private final int maxBatchesInFlight;
    private final Function<Outcome, R> serializer;
    private final BiConsumer<Outcome, R> downstream;
    private final ArrayDeque<Future<List<Prepared<R>>>> inFlight = new ArrayDeque<>();
    private List<Supplier<Outcome>> batch;

    OrderedParallelParse(int threads, int batchSize, Function<Outcome, R> serializer, BiConsumer<Outcome, R> downstream) {
        if (threads < 1) {
            throw new IllegalArgumentException("--parse-threads must be at least 1, was " + threads);
        }
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "tralign-ingest-parse");
            thread.setDaemon(true);
            return thread;
        });
        this.batchSize = batchSize;
        this.maxBatchesInFlight = 16 * threads;
        this.serializer = serializer;
        this.downstream = downstream;
        this.batch = new ArrayList<>(batchSize);
    }

    /** Queues one parse; may block to hand finished batches downstream. */
    void submit(Supplier<Outcome> parse) {
        batch.add(parse);
        if (batch.size() == batchSize) {
            dispatch();
        }
    }

    /** Hands every remaining result downstream. */
    void finish() {
        if (!batch.isEmpty()) {
            dispatch();
        }
        while (!inFlight.isEmpty()) {
            drainOne();
        }
    }

    private void dispatch() {
        List<Supplier<Outcome>> tasks = batch;
        batch = new ArrayList<>(batchSize);
        inFlight.add(pool.submit(() -> {
            List<Prepared<R>> prepared = new ArrayList<>(tasks.size());
            for (Supplier<Outcome> task : tasks) {
                Outcome outcome = task.get();
                prepared.add(new Prepared<>(outcome, serializer.apply(outcome)));
            }
            return prepared;
        }));
        while (inFlight.size() > maxBatchesInFlight) {
            drainOne();
        }
    }

    private void drainOne() {
        try {
            for (Prepared<R> prepared : inFlight.removeFirst().get()) {
                downstream.accept(prepared.outcome(), prepared.serialized());
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while importing", e);
        }
    }

    @Override
    public void close() {
        inFlight.forEach(f -> f.cancel(true));
        pool.shutdownNow();
    }
}
