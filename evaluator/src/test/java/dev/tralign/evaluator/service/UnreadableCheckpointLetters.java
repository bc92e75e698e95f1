package dev.tralign.evaluator.service;

import static org.awaitility.Awaitility.await;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.stack.EmbeddedStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** The dead letters the checkpoint follower wrote, for the ITs that feed it unreadable checkpoints. */
final class UnreadableCheckpointLetters {

    private UnreadableCheckpointLetters() {
    }

    /** Every dead letter on the DLQ, read until it holds at least {@code count} UNREADABLE_CHECKPOINT ones (30 s). */
    static List<DeadLetter> atLeast(EmbeddedStack stack, Topics topics, int count) {
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<String, DeadLetter> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                topics.dlq().keySerde().deserializer(), topics.dlq().valueSerde().deserializer())) {
            TopicPartition partition = new TopicPartition(topics.dlq().name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                return out.stream().filter(d -> d.getErrorClass().equals("UNREADABLE_CHECKPOINT")).count() >= count;
            });
        }
        return out;
    }
}
