package dev.tralign.trainerservice;

import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainerservice.source.InputRecord;
import dev.tralign.trainerservice.source.RecordSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Pulls records one at a time and forms the micro-batches of the next optimizer step. Records are pulled only as
 * batches need them, so the source's positions always equal "everything before was trained or rejected" at a
 * group boundary. A micro-batch closes at batch_size examples; in streaming mode also max_wait_ms after its
 * first example arrived, if it holds at least the loss's minimum (2 for kto). A record whose key was already
 * trained in its epoch is skipped ({@link RecordDedupe}, input.dedupe).
 */
final class GroupAssembler {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GroupAssembler.class);

    private static final Duration SLICE = Duration.ofMillis(100);
    private static final Duration MAX_REGISTRY_RETRY = Duration.ofSeconds(30);

    private final RecordSource source;
    private final ExampleDecoder decoder;
    private final int batchSize;
    private final int microBatchesPerStep;
    private final int minimumBatch;
    private final boolean streaming;
    private final long maxWaitNanos;
    /** Null when input.dedupe is off. */
    private final RecordDedupe dedupe;
    private final Duration registryRetry;
    /** The optimizer step the group being filled will train (step provenance of self-judged online pairs). */
    private final LongSupplier stepToTrain;
    /** Set when a stop came while waiting for the registry: the current group must not count as read. */
    private boolean abandoned;

    GroupAssembler(RecordSource source, ExampleDecoder decoder, int batchSize, int microBatchesPerStep,
            int minimumBatch, boolean streaming, long maxWaitMs, RecordDedupe dedupe, LongSupplier stepToTrain) {
        this(source, decoder, batchSize, microBatchesPerStep, minimumBatch, streaming, maxWaitMs, dedupe, stepToTrain,
                Duration.ofSeconds(1));
    }

    /** @param registryRetry the first wait when the schema registry is unavailable (doubles up to 30 s) */
    GroupAssembler(RecordSource source, ExampleDecoder decoder, int batchSize, int microBatchesPerStep,
            int minimumBatch, boolean streaming, long maxWaitMs, RecordDedupe dedupe, LongSupplier stepToTrain,
            Duration registryRetry) {
        this.registryRetry = registryRetry;
        this.stepToTrain = stepToTrain;
        this.source = source;
        this.dedupe = dedupe;
        this.decoder = decoder;
        this.batchSize = batchSize;
        this.microBatchesPerStep = microBatchesPerStep;
        this.minimumBatch = minimumBatch;
        this.streaming = streaming;
        this.maxWaitNanos = Duration.ofMillis(maxWaitMs).toNanos();
    }

    /** The next group, or an incomplete one when {@code stop} turned true or a bounded source ended. */
    StepGroup next(BooleanSupplier stop) {
        List<MicroBatch> batches = new ArrayList<>(microBatchesPerStep);
        List<Rejected> rejected = new ArrayList<>();
        int examples = 0;
        for (int i = 0; i < microBatchesPerStep; i++) {
            MicroBatch batch = fill(rejected, stop);
            examples += batch.size();
            if (abandoned) {
                return new StepGroup(List.of(), rejected, source.positions(), source.epoch(), false, false, examples,
                        source.checkpointState());
            }
            boolean full = batch.size() >= batchSize;
            boolean timedOut = streaming && batch.size() >= minimumBatch && !stop.getAsBoolean();
            boolean lastOfData = !streaming && source.exhausted() && microBatchesPerStep == 1
                    && batch.size() >= minimumBatch;
            if (!(full || timedOut || lastOfData)) {
                return new StepGroup(List.of(), rejected, source.positions(), source.epoch(), false,
                        source.exhausted(), examples, source.checkpointState());
            }
            batches.add(batch);
        }
        return new StepGroup(batches, rejected, source.positions(), source.epoch(), true, false, 0,
                source.checkpointState());
    }

    /**
     * Decodes {@code record}; while the schema registry is unavailable, waits (backing off from
     * {@code registryRetry} to 30 s, a WARN per attempt) and tries again. Null when {@code stop} turned true first.
     */
    private Decoded decodeWaitingForTheRegistry(InputRecord record, BooleanSupplier stop) {
        long backoff = registryRetry.toMillis();
        while (true) {
            try {
                return decoder.decode(record, stepToTrain.getAsLong());
            } catch (RegistryUnavailableException e) {
                if (stop.getAsBoolean()) {
                    return null;
                }
                LOG.warn("{}; training waits, retrying in {} ms", e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return null;
                }
                backoff = Math.min(backoff * 2, MAX_REGISTRY_RETRY.toMillis());
            }
        }
    }

    private MicroBatch fill(List<Rejected> rejected, BooleanSupplier stop) {
        List<TokenizedPair> pairs = new ArrayList<>();
        List<TokenizedFeedback> feedback = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        long firstAt = -1;
        int pulled = 0;
        while (pairs.size() + feedback.size() < batchSize && !stop.getAsBoolean()) {
            if (pulled > 0 && source.atMicroBatchEnd()) {
                break;
            }
            Duration wait = SLICE;
            if (streaming && firstAt >= 0 && pairs.size() + feedback.size() >= minimumBatch) {
                long left = firstAt + maxWaitNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait = Duration.ofNanos(Math.min(left, SLICE.toNanos()));
            }
            Optional<InputRecord> next = source.next(wait);
            if (next.isEmpty()) {
                if (source.exhausted()) {
                    break;
                }
                continue;
            }
            InputRecord record = next.get();
            pulled++;
            if (dedupe != null && !dedupe.admit(record, source.epoch())) {
                LOG.debug("{}: key already trained in this epoch, skipped as a duplicate", record.origin());
                continue;
            }
            Decoded decoded = decodeWaitingForTheRegistry(record, stop);
            if (decoded == null) {
                abandoned = true; // stopped while the registry was away: the group, and this record, stay unread
                break;
            }
            if (!decoded.accepted()) {
                rejected.add(new Rejected(record, decoded.errorClass(), decoded.reason(),
                        source.epoch()));
                continue;
            }
            origins.add(record.origin());
            pairs.addAll(decoded.pairs());
            feedback.addAll(decoded.feedback());
            if (firstAt < 0) {
                firstAt = System.nanoTime();
            }
        }
        return new MicroBatch(pairs, feedback, origins);
    }
}
