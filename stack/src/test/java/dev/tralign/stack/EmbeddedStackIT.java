package dev.tralign.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.PreferencePair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The stack as other modules use it: typed topics, Avro through a real broker, transactions. */
@ExtendWith(EmbeddedStackExtension.class)
class EmbeddedStackIT {

    private final EmbeddedStack stack;

    EmbeddedStackIT(EmbeddedStack stack) {
        this.stack = stack;
    }

    @Test
    void startsQuicklyAndCreatesEveryTralignTopic() throws Exception {
        System.out.println("EmbeddedStack start-to-ready: " + stack.startTime().toMillis() + " ms");
        assertThat(stack.startTime()).isLessThan(Duration.ofSeconds(60));
        assertThat(stack.registryUrl()).startsWith("http://127.0.0.1:");
        try (Topics topics = stack.topics()) {
            stack.createTopics(topics);
            stack.createTopics(topics); // idempotent
            Set<String> names = stack.kafka().admin().listTopics().names().get();
            assertThat(names).containsAll(topics.names()).contains("_schemas");
            // The same configs as `tralign topics create` on a cluster (Topics.specs()).
            ConfigResource verdicts = new ConfigResource(ConfigResource.Type.TOPIC, topics.guardVerdicts().name());
            ConfigResource preferences = new ConfigResource(ConfigResource.Type.TOPIC, topics.preferences().name());
            Map<ConfigResource, Config> configs = stack.kafka().admin()
                    .describeConfigs(List.of(verdicts, preferences)).all().get();
            assertThat(configs.get(verdicts).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get(preferences).get("retention.ms").value()).isEqualTo("-1");
        }
    }

    @Test
    void avroPairsCommittedInATransactionAreReadBackExactlyByReadCommitted() {
        try (Topics topics = Topics.create("tx-it.", Map.of("schema.registry.url", stack.registryUrl()))) {
            Topic<String, PreferencePair> topic = topics.preferences();
            stack.createTopic(topic.name(), 2);
            try (KafkaProducer<String, PreferencePair> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stack-it"),
                    topic.keySerde().serializer(), topic.valueSerde().serializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(topic.name(), "p" + i, pair("p" + i)));
                }
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic.name(), "aborted", pair("aborted")));
                producer.abortTransaction();
            }
            List<PreferencePair> read = new ArrayList<>();
            try (KafkaConsumer<String, PreferencePair> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "stack-it",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
                consumer.subscribe(List.of(topic.name()));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (read.size() < 20 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, PreferencePair> record : consumer.poll(Duration.ofMillis(200))) {
                        read.add(record.value());
                    }
                }
                consumer.poll(Duration.ofMillis(500)).forEach(record -> read.add(record.value()));
            }
            assertThat(read).hasSize(20).contains(pair("p0"), pair("p19"))
                    .extracting(PreferencePair::getId).doesNotContain("aborted");
        }
    }

    private static PreferencePair pair(String id) {
        return PreferencePair.newBuilder().setId(id).setPrompt("prompt " + id).setChosen("good").setRejected("bad")
                .setSource("stack-it").setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();
    }
}
