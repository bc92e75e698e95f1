package dev.tralign.trainerservice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the record keys of partitions between two offsets, with the caller's (read_committed) consumer. */
final class KeyScan {

    /** A scan that gets no record and no position change for this long gives up, naming the partitions. */
    private static final Duration STALL = Duration.ofMinutes(2);

    private KeyScan() {
    }

    /**
     * Calls {@code keys} with the key of every record at offsets [from, to) of each partition in {@code to}
     * (null keys are not passed) and returns how many records were read. Leaves the consumer assigned to those
     * partitions; the caller re-assigns it.
     */
    static long read(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> from,
            Map<TopicPartition, Long> to, Consumer<byte[]> keys) {
        Map<TopicPartition, Long> pending = new LinkedHashMap<>();
        to.forEach((tp, end) -> {
            long start = from.getOrDefault(tp, 0L);
            if (end > start) {
                pending.put(tp, end);
            }
        });
        if (pending.isEmpty()) {
            return 0;
        }
        consumer.assign(new ArrayList<>(pending.keySet()));
        pending.keySet().forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
        long read = 0;
        long lastProgress = System.nanoTime();
        while (!pending.isEmpty()) {
            boolean progressed = false;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                Long end = pending.get(tp);
                if (end != null && r.offset() < end) {
                    read++;
                    progressed = true;
                    if (r.key() != null) {
                        keys.accept(r.key());
                    }
                }
            }
            // read_committed positions also move over transaction markers and aborted records.
            List<TopicPartition> done = new ArrayList<>();
            for (Map.Entry<TopicPartition, Long> e : pending.entrySet()) {
                if (consumer.position(e.getKey()) >= e.getValue()) {
                    done.add(e.getKey());
                }
            }
            done.forEach(pending::remove);
            consumer.pause(done);
            if (progressed || !done.isEmpty()) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException("reading back the trained keys of " + pending.keySet() + " made no "
                        + "progress for " + STALL.toMinutes() + " minutes: is the broker reachable?");
            }
        }
        consumer.resume(consumer.paused());
        return read;
    }
}
