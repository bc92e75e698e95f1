package dev.tralign.ingest.kafka;

import dev.tralign.schemas.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the topics ingest writes to when they are missing, and waits until every partition has a leader
 * (producing earlier can lose records, KAFKA-15591). Data topics get the configs of their {@link TopicSpec}
 * ({@code Topics.specOf}: the same as {@code tralign topics create} gives them), so a deployment where ingest
 * starts first keeps its inputs as long. The progress topic is compacted: only the latest position per file
 * matters.
 */
public final class IngestTopicAdmin {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private IngestTopicAdmin() {
    }

    /** Ensures data topics (with {@code partitions}, the broker's default configs) and the progress topic exist. */
    public static void ensureTopics(String bootstrapServers, List<String> dataTopics, String progressTopic,
                                    int partitions) {
        ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                dataTopics.stream().map(name -> new TopicSpec(name, Map.of())).toList(), progressTopic, partitions);
    }

    /** The same for tralign's topics, with their configs, and full Kafka client settings (security too). */
    public static void ensureTopics(Map<String, Object> kafka, List<TopicSpec> dataTopics, String progressTopic,
                                    int partitions) {
        Object bootstrapServers = kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(kafka)) {
            Set<String> existing = admin.listTopics().names().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : dataTopics) {
                if (!existing.contains(spec.name())) {
                    missing.add(new NewTopic(spec.name(), Optional.of(partitions), Optional.empty())
                            .configs(spec.configs()));
                }
            }
            if (progressTopic != null && !existing.contains(progressTopic)) {
                missing.add(new NewTopic(progressTopic, Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
            List<String> all = new ArrayList<>(dataTopics.stream().map(TopicSpec::name).toList());
            if (progressTopic != null) {
                all.add(progressTopic);
            }
            awaitLeaders(admin, all);
            if (!missing.isEmpty()) {
                awaitServing(kafka, all);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the ingest topics on " + bootstrapServers + ": " + e
                    + "; check bootstrap servers and that the broker allows topic creation", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Waits until each partition's leader answers a ListOffsets request. The controller's metadata names a leader
     * a moment before that broker serves as one: an idempotent producer whose first batch then got
     * NOT_LEADER_OR_FOLLOWER saw its next batches refused as OUT_OF_ORDER_SEQUENCE_NUMBER until its records expired
     * (IngestBenchIT on a loaded machine). The consumer retries ListOffsets until the leader serves.
     */
    private static void awaitServing(Map<String, Object> kafka, List<String> names) {
        Map<String, Object> config = new java.util.HashMap<>(kafka);
        config.put(org.apache.kafka.clients.consumer.ConsumerConfig.CLIENT_ID_CONFIG, "tralign-ingest-topic-check");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(config,
                             new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                             new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (String name : names) {
                consumer.partitionsFor(name, DEADLINE).forEach(p ->
                        partitions.add(new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())));
            }
            consumer.endOffsets(partitions, DEADLINE);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("topics " + names + " have leaders that do not serve after "
                    + DEADLINE.toSeconds() + " s; is the broker healthy?", e);
        }
    }

    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                        .get(5, TimeUnit.SECONDS);
                boolean ready = descriptions.values().stream().flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && p.leader().id() >= 0);
                if (ready) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // metadata not propagated yet: ask again
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        throw new IllegalStateException("topics " + names + " still have partitions without a leader after "
                + DEADLINE.toSeconds() + " s; is the broker healthy?");
    }
}
