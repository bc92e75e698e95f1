package dev.tralign.schemas;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where a read_committed reader of a whole topic should stop. A transaction whose commitTransaction() has returned
 * is not readable at once: the coordinator writes its markers to the partitions afterwards, and until then the last
 * stable offset stays before it, so a read "to the end" right after a commit can miss it (a replay started right
 * after its run missed the last checkpoint; a test right after an import missed the import). A transaction that is
 * really open (another producer committing now, a crashed producer's) keeps the stable offset back for good.
 */
public final class CommittedEnd {

    private CommittedEnd() {
    }

    /**
     * The read_committed end offsets of {@code partitions} once they have caught up with the log end, or as they
     * stand after {@code wait}.
     *
     * @param committed a read_committed consumer (its endOffsets are last stable offsets)
     * @param clientSettings settings to open a read_uncommitted consumer with (bootstrap.servers, security...)
     */
    public static Map<TopicPartition, Long> settled(Consumer<?, ?> committed, Map<String, Object> clientSettings,
            List<TopicPartition> partitions, Duration wait) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<TopicPartition, Long> logEnd;
        try (KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            logEnd = uncommitted.endOffsets(partitions);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        Map<TopicPartition, Long> end = committed.endOffsets(partitions);
        // The log end counts the markers too, so a settled stable offset reaches it exactly.
        while (!end.equals(logEnd) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // polling the broker's offsets until a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            end = committed.endOffsets(partitions);
        }
        return end;
    }
}
