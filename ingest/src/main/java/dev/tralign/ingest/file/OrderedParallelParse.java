package dev.tralign.ingest.file;

import dev.tralign.ingest.parse.Outcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs parse (and serialize) tasks in batches on a small pool while the calling thread keeps reading, and hands
 * the results downstream on the calling thread in input order, as soon as the oldest batch is done. Order
 * matters: duplicate detection and the progress position must follow the file. Only what {@code prepare} makes
 * of an outcome is kept (not the parsed texts), and at most {@code 8 * threads} batches are in flight, so memory
 * stays bounded (~0.3 MB per batch of HH-sized records) while the parsers can run ahead through a transaction
 * commit, during which the calling thread waits for the broker. A small window also keeps young garbage
 * collections cheap: what is in flight is what they copy.
 *
 * @param <R> what {@code prepare} makes of an outcome
 */
final class OrderedParallelParse<R> implements AutoCloseable {

    private final ExecutorService pool;
    private final int batchSize;
    private final int maxBatchesInFlight;
    private final Function<Outcome, R> prepare;
    private final Consumer<R> downstream;
    private final BooleanSupplier downstreamReady;
    private final ArrayDeque<Future<List<R>>> inFlight = new ArrayDeque<>();
    private List<Supplier<Outcome>> batch;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final LongAdder taskCpuNanos = new LongAdder();

    OrderedParallelParse(int threads, int batchSize, Function<Outcome, R> prepare, Consumer<R> downstream) {
        this(threads, batchSize, prepare, downstream, () -> true);
    }

    /**
     * @param downstreamReady true once the downstream can take results without waiting (e.g. its producer is
     *                        set up); until then results are handed over only when the in-flight limit is reached
     */
    OrderedParallelParse(int threads, int batchSize, Function<Outcome, R> prepare, Consumer<R> downstream,
                         BooleanSupplier downstreamReady) {
        if (threads < 1) {
            throw new IllegalArgumentException("--parse-threads must be at least 1, was " + threads);
        }
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "tralign-ingest-parse");
            thread.setDaemon(true);
            return thread;
        });
        this.batchSize = batchSize;
        this.maxBatchesInFlight = 8 * threads;
        this.prepare = prepare;
        this.downstream = downstream;
        this.downstreamReady = downstreamReady;
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
            long cpu = threads.getCurrentThreadCpuTime();
            List<R> prepared = new ArrayList<>(tasks.size());
            for (Supplier<Outcome> task : tasks) {
                prepared.add(prepare.apply(task.get()));
            }
            taskCpuNanos.add(threads.getCurrentThreadCpuTime() - cpu);
            return prepared;
        }));
        while (inFlight.size() > maxBatchesInFlight) {
            drainOne();
        }
        // Hand over what is already parsed, so the producer starts early and stays busy instead of waiting for
        // the in-flight limit; the reading thread never blocks here.
        while (!inFlight.isEmpty() && inFlight.peekFirst().isDone() && downstreamReady.getAsBoolean()) {
            drainOne();
        }
    }

    private void drainOne() {
        try {
            for (R prepared : inFlight.removeFirst().get()) {
                downstream.accept(prepared);
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while importing", e);
        }
    }

    /** CPU time the pool's threads spent parsing and preparing so far (two clock reads per batch). */
    long taskCpuNanos() {
        return taskCpuNanos.sum();
    }

    @Override
    public void close() {
        inFlight.forEach(f -> f.cancel(true));
        pool.shutdownNow();
    }
}
