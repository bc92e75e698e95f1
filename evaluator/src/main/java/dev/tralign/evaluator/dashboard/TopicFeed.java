package dev.tralign.evaluator.dashboard;

import dev.tralign.schemas.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topic from the beginning into a sink (tralign.win-rates into a {@link WinRateStore}, tralign.train-metrics
 * into a {@link TrainingStore}), on its own thread, without a consumer group (every dashboard sees every record;
 * nothing to commit). Waits for the topic if it does not exist yet.
 *
 * <p>Errors: a record that cannot be deserialised is logged and skipped (the dashboard must not stall on one bad
 * record); {@link WakeupException} from {@link #close()} ends the loop; any other Kafka error is fatal, ends the
 * loop and is kept in {@link #failure()}.
 */
public final class TopicFeed<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);

    private final KafkaConsumer<String, V> consumer;
    private final Topic<String, V> topic;
    private final Consumer<V> sink;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closing;

    private TopicFeed(Map<String, Object> consumerConfig, Topic<String, V> topic, Consumer<V> sink) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.sink = Objects.requireNonNull(sink, "sink");
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        if (!config.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG
                    + " is required for the dashboard feed, e.g. 127.0.0.1:9092");
        }
        this.consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        this.thread = new Thread(this::run, "feed-" + topic.name());
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading.
     *
     * @param consumerConfig Kafka consumer settings; bootstrap.servers is required, group.id is ignored
     * @param topic the topic with its serdes
     * @param sink where records go, in topic order per partition, on the feed's thread
     */
    public static <V> TopicFeed<V> start(Map<String, Object> consumerConfig, Topic<String, V> topic,
            Consumer<V> sink) {
        TopicFeed<V> feed = new TopicFeed<>(consumerConfig, topic, sink);
        feed.thread.start();
        return feed;
    }

    /** The fatal error that stopped the feed, if any. */
    public Throwable failure() {
        return failure.get();
    }

    /** True while the loop runs. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    private void run() {
        try {
            assignAllPartitions();
            while (!closing) {
                try {
                    for (ConsumerRecord<String, V> record : consumer.poll(POLL)) {
                        if (record.value() != null) {
                            sink.accept(record.value());
                        }
                    }
                } catch (RecordDeserializationException poison) {
                    LOG.warn("skipping undecodable record at {} offset {}: {}", poison.topicPartition(),
                            poison.offset(), poison.getMessage());
                    consumer.seek(poison.topicPartition(), poison.offset() + 1);
                }
            }
        } catch (WakeupException stop) {
            // close() asked us to stop.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KafkaException | IllegalStateException e) {
            if (!closing) {
                failure.set(e);
                LOG.error("dashboard feed of {} stopped", topic.name(), e);
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void assignAllPartitions() throws InterruptedException {
        while (!closing) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic.name());
            if (partitions != null && !partitions.isEmpty()) {
                List<TopicPartition> assigned =
                        partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(assigned);
                consumer.seekToBeginning(assigned);
                LOG.info("dashboard feed reading {} ({} partitions)", topic.name(), assigned.size());
                return;
            }
            LOG.info("waiting for topic {} to exist", topic.name());
            Thread.sleep(TOPIC_WAIT.toMillis());
        }
    }

    /** Stops the loop and closes the consumer. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
