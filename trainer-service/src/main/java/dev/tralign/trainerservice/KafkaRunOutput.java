package dev.tralign.trainerservice;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka transaction per checkpoint: every pending event, then the input offsets through
 * {@code sendOffsetsToTransaction}. A failed attempt (broker down or restarting, a send that expired) is aborted
 * and the whole transaction is sent again, with growing pauses, until it commits: the training thread waits for
 * the broker instead of ending the run. Nothing is lost or doubled, because an aborted attempt is invisible to
 * read_committed readers and the retried one carries the same events and offsets. The run only ends when the
 * producer cannot go on: fenced (another trainer took the run id), or an abort that fails other than by timeout
 * (the producer is in a fatal state: authorization, unsupported version, ...).
 */
final class KafkaRunOutput implements RunOutput {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRunOutput.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> consumer;
    private final RunEvents serializer;

    KafkaRunOutput(Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer, RunEvents serializer) {
        this.producer = producer;
        this.consumer = consumer;
        this.serializer = serializer;
    }

    @Override
    public void commit(List<RunEvent> events, Map<TopicPartition, Long> positions) {
        // Serialised once: a retried transaction sends the same bytes (schema ids included).
        List<ProducerRecord<byte[], byte[]>> records = events.stream().map(serializer::toRecord).toList();
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; !attemptCommit(records, positions, attempt); attempt++) {
            pause(pause);
            Duration doubled = pause.multipliedBy(2);
            pause = doubled.compareTo(LONGEST_PAUSE) < 0 ? doubled : LONGEST_PAUSE;
        }
    }

    /** True when the transaction committed; false when it was aborted and may be tried again. */
    private boolean attemptCommit(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, Long> positions,
            int attempt) {
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : records) {
                failFast(producer.send(r));
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            positions.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            commitTransaction();
            if (attempt > 1) {
                LOG.info("checkpoint transaction committed at attempt {}", attempt);
            }
            return true;
        } catch (ProducerFencedException e) {
            throw fenced(e);
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("checkpoint transaction attempt {} failed, aborting it and trying again (is the broker "
                    + "reachable?): {}", attempt, e.toString());
            abortTransaction(e);
            return false;
        }
    }

    /**
     * A send that failed before it left (no metadata for its topic: the broker is gone) dooms this attempt; sending
     * the rest would only wait max.block.ms for each of them before the abort.
     */
    private static void failFast(Future<RecordMetadata> sent) {
        if (!sent.isDone()) {
            return;
        }
        try {
            sent.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /**
     * A commit that timed out may still complete on the broker, so it must be retried, never aborted (the producer
     * refuses an abort then). Any other failure propagates to be aborted.
     */
    private void commitTransaction() {
        for (int attempt = 1;; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                LOG.warn("committing the checkpoint transaction timed out (attempt {}), waiting for the broker: {}",
                        attempt, e.getMessage());
            }
        }
    }

    /** Aborts, waiting through timeouts; an abort refused otherwise means the producer is done: rethrow. */
    private void abortTransaction(KafkaException cause) {
        for (int attempt = 1;; attempt++) {
            try {
                producer.abortTransaction();
                return;
            } catch (TimeoutException e) {
                LOG.warn("aborting the checkpoint transaction timed out (attempt {}), waiting for the broker: {}",
                        attempt, e.getMessage());
            } catch (ProducerFencedException e) {
                throw fenced(e);
            } catch (KafkaException e) {
                cause.addSuppressed(e);
                throw cause;
            }
        }
    }

    private static IllegalStateException fenced(ProducerFencedException e) {
        return new IllegalStateException("another trainer with transactional.id of this run took over (fenced): "
                + "run one trainer per run.id", e);
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
