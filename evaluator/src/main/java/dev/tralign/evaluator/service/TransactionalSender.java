package dev.tralign.evaluator.service;

import dev.tralign.schemas.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume-transform-produce, exactly once: the records a step produced and the offsets past the input it consumed
 * go out in ONE Kafka transaction, with the consumer's group metadata, as the trainer commits a checkpoint. If the
 * process dies before the commit, nothing of the step is visible to read_committed readers and its input offsets are
 * not committed, so whichever group member owns the partition next does the step again. If the group rebalanced
 * meanwhile (this member lost the partition), the broker refuses the offsets of the stale generation: the
 * transaction is aborted and the consumer rewinds to its committed offsets, so a step is never published twice.
 *
 * <p>The transactional id is unique per instance (fencing of a zombie is by group generation, KIP-447), and the
 * transaction timeout is short: a killed member's open transaction would otherwise hold back read_committed readers
 * of the output partitions until it expires. Transactions are opened only once the step's work is done, so they
 * last milliseconds.
 */
final class TransactionalSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalSender.class);
    /** Longest a transaction may stay open before the broker aborts it. */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(15);

    private final Map<String, Object> config;
    private final String role;
    private final BooleanSupplier running;
    private KafkaProducer<String, byte[]> producer;

    /**
     * @param kafka   client settings (bootstrap servers, security)
     * @param role    names the transactional id and log lines, e.g. "evaluator-it-worker"
     * @param running false once the owner closes: stops waiting for a commit that times out
     */
    TransactionalSender(Map<String, Object> kafka, String role, BooleanSupplier running) {
        this.config = new HashMap<>(kafka);
        this.config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.config.put(ProducerConfig.ACKS_CONFIG, "all");
        this.config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
        this.role = role;
        this.running = running;
        this.producer = newProducer();
    }

    /** A record for {@code topic}, its value serialised now with the topic's serde. */
    static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, String key, V value) {
        return record(topic, null, key, value);
    }

    /** The same on a chosen partition. */
    static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, Integer partition, String key, V value) {
        return new ProducerRecord<>(topic.name(), partition, key,
                topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    /**
     * Sends {@code records} and commits {@code offsets} for {@code consumer}'s group in one transaction. True when
     * it committed; false when it was aborted (broker trouble, or the group moved on), in which case the consumer
     * has been rewound to its group's committed offsets and the step must not be reported as done.
     */
    boolean commit(List<ProducerRecord<String, byte[]>> records, Consumer<?, ?> consumer,
            Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            producer.beginTransaction();
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record);
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            commitTransaction();
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            // The broker aborted our transaction (it outlived the timeout) and bumped the epoch: start afresh.
            LOG.warn("{}: transaction fenced ({}); a new producer takes over and the step is redone", role,
                    e.toString());
            producer.close(Duration.ZERO);
            producer = newProducer();
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("{}: transaction aborted, the step will be redone by whoever owns its input ({})", role,
                    e.toString());
            abort(e);
        }
        rewind(consumer);
        return false;
    }

    /** A commit that timed out may still complete on the broker: retry it, never abort it. */
    private void commitTransaction() {
        for (int attempt = 1;; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (!running.getAsBoolean()) {
                    throw e;
                }
                LOG.warn("{}: committing timed out (attempt {}), waiting for the broker", role, attempt);
            }
        }
    }

    private void abort(KafkaException cause) {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            // A producer that cannot abort is in a fatal state: replace it (its transaction times out on the broker).
            cause.addSuppressed(e);
            LOG.warn("{}: abort failed ({}); replacing the producer", role, e.toString());
            producer.close(Duration.ZERO);
            producer = newProducer();
        }
    }

    /** Seeks every assigned partition back to the group's committed offset (or its start when none). */
    static void rewind(Consumer<?, ?> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset);
            }
        }
    }

    private KafkaProducer<String, byte[]> newProducer() {
        Map<String, Object> settings = new HashMap<>(config);
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, role + "-" + UUID.randomUUID());
        KafkaProducer<String, byte[]> created = new KafkaProducer<>(settings, new StringSerializer(),
                new ByteArraySerializer());
        created.initTransactions();
        return created;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
