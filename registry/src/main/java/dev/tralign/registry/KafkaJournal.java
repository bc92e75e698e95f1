package dev.tralign.registry;

import dev.tralign.schemas.registry.CompatibilityLevel;
import dev.tralign.schemas.registry.SchemaStore;
import dev.tralign.schemas.registry.StoredSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's log in a compacted single-partition Kafka topic (default {@code _schemas}, as Confluent's).
 * A reader thread replays the topic into the {@link SchemaStore}; writers produce, then wait until the reader has
 * applied their record, which is how several registries on one broker stay in agreement.
 */
final class KafkaJournal implements Journal {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaJournal.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final TopicPartition partition;
    private final SchemaStore store;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private final Object progress = new Object();
    private long appliedUpTo;
    private volatile RuntimeException readerFailure;
    private volatile boolean closing;

    KafkaJournal(String bootstrapServers, String topic, SchemaStore store) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.store = store;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        try {
            ensureTopic();
        } catch (RuntimeException e) {
            admin.close();
            throw e;
        }
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        this.reader = new Thread(this::readLoop, "registry-log-reader");
        reader.setDaemon(true);
        reader.start();
        catchUp();
    }

    private void ensureTopic() {
        try {
            int brokers = admin.describeCluster().nodes().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
            short replication = (short) Math.max(1, Math.min(3, brokers));
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.of(replication))
                    .configs(Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(newTopic)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the registry topic '" + topic + "': " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT.toSeconds()
                    + " s while creating '" + topic + "': check bootstrap servers", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating '" + topic + "'", e);
        }
        awaitLeader();
    }

    private void awaitLeader() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(5, TimeUnit.SECONDS).get(topic);
                if (description.partitions().size() != 1) {
                    throw new IllegalStateException("registry topic '" + topic + "' has "
                            + description.partitions().size() + " partitions; it needs exactly 1 for a total order "
                            + "(delete it or pick another topic name)");
                }
                if (description.partitions().get(0).leader() != null) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not visible yet: ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for '" + topic + "'", e);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        throw new IllegalStateException("registry topic '" + topic + "' has no leader after " + TIMEOUT.toSeconds()
                + " s");
    }

    private void readLoop() {
        try {
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    apply(record);
                }
                long position = consumer.position(partition);
                synchronized (progress) {
                    appliedUpTo = position;
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                readerFailure = new IllegalStateException("registry log reader woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("registry log reader stopped: {}", e.toString(), e);
            readerFailure = new IllegalStateException("the registry's log reader stopped: " + e, e);
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        LogEntries.Entry entry = LogEntries.decode(record.key(), record.value());
        if (entry instanceof LogEntries.SchemaEntry schema) {
            if (!store.apply(schema.schema())) {
                LOG.debug("refused conflicting entry at offset {}: {}", record.offset(), schema.schema());
            }
        } else if (entry instanceof LogEntries.SchemaPurge purge) {
            store.purge(purge.subject(), purge.version());
        } else if (entry instanceof LogEntries.ConfigEntry config) {
            store.applyConfig(config.subject(), config.level());
        } else if (entry instanceof LogEntries.Unreadable unreadable) {
            LOG.warn("skipping unreadable record at {}@{}: {}", topic, record.offset(), unreadable.reason());
        }
    }

    @Override
    public void append(StoredSchema entry) {
        write(LogEntries.schemaKey(entry), LogEntries.schemaValue(entry));
    }

    @Override
    public void purge(StoredSchema entry) {
        write(LogEntries.schemaKey(entry), null);
    }

    @Override
    public void config(String subject, CompatibilityLevel level) {
        write(LogEntries.configKey(subject), LogEntries.configValue(level));
    }

    private void write(byte[] key, byte[] value) {
        long offset;
        try {
            offset = producer.send(new ProducerRecord<>(topic, 0, key, value)).get(TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write to the registry topic '" + topic + "': " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to '" + topic + "'", e);
        }
        awaitApplied(offset + 1);
    }

    @Override
    public void catchUp() {
        long end;
        try {
            end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end of the registry topic '" + topic + "': " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading '" + topic + "'", e);
        }
        awaitApplied(end);
    }

    private void awaitApplied(long offset) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (progress) {
            while (appliedUpTo < offset) {
                if (readerFailure != null) {
                    throw readerFailure;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the registry has not read its topic '" + topic + "' up to offset "
                            + offset + " after " + TIMEOUT.toSeconds() + " s (applied up to " + appliedUpTo + ")");
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the registry topic", e);
                }
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            reader.join(TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
