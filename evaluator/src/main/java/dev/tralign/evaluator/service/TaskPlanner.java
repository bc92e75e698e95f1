package dev.tralign.evaluator.service;

import dev.tralign.evaluator.stream.Keys;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.EvaluationTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans each checkpoint event out into evaluation tasks, exactly once: reads tralign.checkpoints (read_committed) in
 * the consumer group {@code group}, and for each poll sends the tasks of its events (one per prompt shard, see
 * {@link PromptShards}) and the offsets past them in one transaction ({@link TransactionalSender}). Every evaluator
 * process runs one; the group gives the checkpoints partition to one of them at a time (tasks go to the group's own topic,
 * {@code <prefix>eval-tasks.<group>}), and a planner that dies or
 * loses the partition before its commit leaves nothing behind, so its successor plans the same events once.
 *
 * <p>A record that is not a CheckpointEvent is dead-lettered (in the same transaction as its offset) and skipped.
 * A (run, step) this planner already planned is not planned again (a final checkpoint often repeats the last
 * periodic one); that memory is per process, so after a hand-over a repeated event is planned again and its
 * evaluation records, being deterministic, replace themselves in the win-rate table.
 */
final class TaskPlanner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskPlanner.class);

    /** What the planner needs to know of the evaluation it plans for. */
    record Settings(String group, int promptCount, int shardSize, int taskPartitions, String promptsDigest) {
    }

    private final Map<String, Object> kafka;
    private final Topics topics;
    private final Settings settings;
    private final Supplier<PublishedAs> publishedAs;
    private final BooleanSupplier running;
    private final Consumer<Skip> skipped;
    private final Set<String> planned = new HashSet<>();

    TaskPlanner(Map<String, Object> kafka, Topics topics, Settings settings, Supplier<PublishedAs> publishedAs,
            BooleanSupplier running, Consumer<Skip> skipped) {
        this.kafka = new HashMap<>(kafka);
        this.topics = topics;
        this.settings = settings;
        this.publishedAs = publishedAs;
        this.running = running;
        this.skipped = skipped;
    }

    @Override
    public void run() {
        int partitions = ensureTaskTopic();
        Topic<String, CheckpointEvent> checkpoints = topics.checkpoints();
        Map<String, Object> consumerConfig = new HashMap<>(kafka);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, CheckpointEvent> consumer = new KafkaConsumer<>(consumerConfig,
                checkpoints.keySerde().deserializer(), checkpoints.valueSerde().deserializer());
                TransactionalSender sender = new TransactionalSender(kafka, settings.group() + "-planner",
                        running)) {
            consumer.subscribe(List.of(checkpoints.name()));
            while (running.getAsBoolean()) {
                ConsumerRecords<String, CheckpointEvent> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (RecordDeserializationException e) {
                    // Not a CheckpointEvent (not Avro, another schema): dead-letter it and move past it, together.
                    TopicPartition at = e.topicPartition();
                    Skip skip = new Skip(at.topic(), at.partition(), e.offset(), Skip.bytes(e.valueBuffer()),
                            "checkpoint event at " + at + "@" + e.offset(),
                            "the record is not a CheckpointEvent (" + Skip.firstLine(e.getCause()) + ")");
                    if (sender.commit(List.of(TransactionalSender.record(topics.dlq(), skip.origin(),
                            skip.deadLetter())), consumer, Map.of(at, new OffsetAndMetadata(e.offset() + 1)))) {
                        consumer.seek(at, e.offset() + 1);
                        skipped.accept(skip);
                    }
                    continue;
                }
                if (!records.isEmpty()) {
                    plan(records, consumer, sender, partitions);
                }
            }
        }
    }

    private void plan(ConsumerRecords<String, CheckpointEvent> records, KafkaConsumer<?, ?> consumer,
            TransactionalSender sender, int partitions) {
        List<ProducerRecord<String, byte[]>> tasks = new ArrayList<>();
        Set<String> planning = new HashSet<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (ConsumerRecord<String, CheckpointEvent> record : records) {
            offsets.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
            CheckpointEvent event = record.value();
            if (event == null) {
                continue;
            }
            PublishedAs.RunStep published = publishedAs.get().of(event.getRunId(), event.getStep());
            String key = Keys.of(published.runId(), published.step());
            if (planned.contains(key) || !planning.add(key)) {
                continue;
            }
            List<PromptShards.Shard> shards = PromptShards.of(settings.promptCount(), settings.shardSize());
            for (PromptShards.Shard shard : shards) {
                EvaluationTask task = EvaluationTask.newBuilder()
                        .setRunId(published.runId()).setStep(published.step())
                        .setShard(shard.index()).setShards(shards.size())
                        .setFirstPrompt(shard.from()).setEndPrompt(shard.to())
                        .setPromptCount(settings.promptCount()).setPromptsDigest(settings.promptsDigest())
                        .setCheckpoint(event)
                        .setSourceTopic(record.topic()).setSourcePartition(record.partition())
                        .setSourceOffset(record.offset())
                        .setPlannedAt(now).build();
                tasks.add(TransactionalSender.record(topics.evaluationTasks(settings.group()),
                        PromptShards.partition(key, shard.index(), partitions),
                        Keys.of(published.runId(), published.step(), shard.index()), task));
            }
        }
        if (sender.commit(tasks, consumer, offsets)) {
            planned.addAll(planning);
            if (!tasks.isEmpty()) {
                LOG.info("planned {} evaluation tasks for {}", tasks.size(), planning);
            }
        }
    }

    /**
     * The topic's partition count. Right after it was created a broker may not know it yet (its metadata arrives
     * asynchronously), so UnknownTopicOrPartition is retried for up to 30 s.
     */
    private static int describedPartitions(Admin admin, String name)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name)
                        .partitions().size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Creates the task topic with the configured partitions when missing; returns the partitions it has. */
    private int ensureTaskTopic() {
        String name = topics.evaluationTasks(settings.group()).name();
        try (Admin admin = Admin.create(kafka)) {
            try {
                admin.createTopics(List.of(new NewTopic(name, Optional.of(settings.taskPartitions()),
                        Optional.empty()))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create the evaluation task topic " + name + ": "
                            + Skip.firstLine(e.getCause()), e.getCause());
                }
            }
            int partitions = describedPartitions(admin, name);
            if (partitions < settings.taskPartitions()) {
                LOG.warn("{} has {} partitions, fewer than the {} asked for: at most {} workers share a checkpoint "
                        + "(add partitions with kafka-topics --alter)", name, partitions, settings.taskPartitions(),
                        partitions);
            }
            return partitions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot describe the evaluation task topic " + name + ": "
                    + Skip.firstLine(e), e);
        }
    }
}
