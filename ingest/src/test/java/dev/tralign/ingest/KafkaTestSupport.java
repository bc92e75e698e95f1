package dev.tralign.ingest;

import dev.tralign.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;

/** Reads whole topics in tests (read_committed, to the last stable offset, with a deadline). */
public final class KafkaTestSupport {

    private KafkaTestSupport() {
    }

    /** Every committed value of a topic, in partition then offset order. */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(String bootstrapServers, Topic<K, V> topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = settledEnd(consumer, bootstrapServers, partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic.name() + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * The read_committed end (last stable offset) once it has caught up with the log end, or after 5 s. A transaction
     * whose commitTransaction() has returned may not be visible yet: the coordinator writes its markers to the
     * partitions afterwards, and until then the last stable offset stays before it. A transaction that is really
     * open (a crashed producer's) keeps it there; after 5 s the committed end as it stands is taken.
     */
    private static Map<TopicPartition, Long> settledEnd(KafkaConsumer<?, ?> committed, String bootstrapServers,
            List<TopicPartition> partitions) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        Map<TopicPartition, Long> logEnd;
        try (KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            logEnd = uncommitted.endOffsets(partitions);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Map<TopicPartition, Long> end = committed.endOffsets(partitions);
        // The log end counts the commit markers too, so a settled stable offset reaches it exactly.
        while (!end.equals(logEnd) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // polling the broker's offsets with a deadline, not waiting for a guessed time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            end = committed.endOffsets(partitions);
        }
        return end;
    }

    /** The values of {@link #readAll}, mapped. */
    public static <K, V, T> List<T> readValues(String bootstrapServers, Topic<K, V> topic, Function<V, T> map) {
        return readAll(bootstrapServers, topic).stream().map(r -> map.apply(r.value())).toList();
    }
}
