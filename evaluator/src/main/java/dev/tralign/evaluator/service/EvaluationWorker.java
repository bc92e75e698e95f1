package dev.tralign.evaluator.service;

import dev.tralign.evaluator.stream.Records;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.EvaluationTask;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.trainer.Policy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;

/**
 * Takes evaluation tasks from the group's task topic as one member of the workers' consumer group, and for each: loads
 * the checkpoint (sha256 checked; kept loaded for the checkpoint's next shards), samples, scores and judges the
 * shard's prompts ({@link CheckpointEvaluation}), and publishes the shard's evaluation records together with the
 * offset past the task in one transaction ({@link TransactionalSender}). A worker killed mid-task commits nothing,
 * and the member that gets the partition next does the task again: each (run, step, prompt) is published once.
 *
 * <p>One task at a time (max.poll.records = 1), so a rebalance waits at most one shard's work for this member, and a
 * short session timeout, so a killed worker's partitions move on within seconds. A task that cannot be done (the
 * checkpoint is unreadable or does not load, the worker is configured for other prompts) is dead-lettered with its
 * offset and never retried; only a checkpoint store that does not answer is retried first, for a bounded time, with
 * the task held uncommitted ({@link CheckpointSource}).
 */
final class EvaluationWorker implements Runnable {

    /** What the worker reports after each committed task. */
    interface Progress {
        /** A task's evaluation records were committed. */
        void done(EvaluationTask task, CheckpointEvaluation.Timings timings);

        /** A task was dead-lettered. */
        void skipped(Skip skip);

        /** The worker starts on a task (nothing is committed yet). */
        default void started(EvaluationTask task) {
        }
    }

    private final Map<String, Object> kafka;
    private final Topics topics;
    private final Topic<String, EvaluationTask> tasks;
    private final String group;
    private final Duration sessionTimeout;
    private final Duration storeRetry;
    private final CheckpointEvaluation evaluation;
    private final String digest;
    private final Supplier<CheckpointSource> source;
    private final BooleanSupplier running;
    private final Progress progress;
    private LoadedCheckpoint loaded;

    EvaluationWorker(Map<String, Object> kafka, Topics topics, Topic<String, EvaluationTask> tasks, String group,
            Duration sessionTimeout, Duration storeRetry,
            CheckpointEvaluation evaluation, Supplier<CheckpointSource> source, BooleanSupplier running,
            Progress progress) {
        this.kafka = new HashMap<>(kafka);
        this.topics = topics;
        this.tasks = tasks;
        this.group = group;
        this.sessionTimeout = sessionTimeout;
        this.storeRetry = storeRetry;
        this.evaluation = evaluation;
        this.digest = evaluation.digest();
        this.source = source;
        this.running = running;
        this.progress = progress;
    }

    @Override
    public void run() {
        // Sampling and scoring run on this thread: DJL's grad mode is per thread, and Policy calls run without it.
        Map<String, Object> consumerConfig = new HashMap<>(kafka);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        // One task may wait out a store outage (storeRetry) before its 10 minutes of reading and judging; the member
        // must stay in the group meanwhile, or its partition moves and the task is done twice.
        consumerConfig.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, 600_000 + storeRetry.toMillis()));
        consumerConfig.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
        consumerConfig.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500,
                sessionTimeout.toMillis() / 4));
        // Round robin: a checkpoint's shards sit on consecutive partitions, which this spreads over the workers.
        consumerConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RoundRobinAssignor.class.getName());
        try (KafkaConsumer<String, EvaluationTask> consumer = new KafkaConsumer<>(consumerConfig,
                tasks.keySerde().deserializer(), tasks.valueSerde().deserializer());
                TransactionalSender sender = new TransactionalSender(kafka, group, running)) {
            consumer.subscribe(List.of(tasks.name()));
            while (running.getAsBoolean()) {
                ConsumerRecords<String, EvaluationTask> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (RecordDeserializationException e) {
                    TopicPartition at = e.topicPartition();
                    Skip skip = new Skip(at.topic(), at.partition(), e.offset(), Skip.bytes(e.valueBuffer()),
                            "evaluation task at " + at + "@" + e.offset(),
                            "the record is not an EvaluationTask (" + Skip.firstLine(e.getCause()) + ")");
                    if (sender.commit(List.of(TransactionalSender.record(topics.dlq(), skip.origin(),
                            skip.deadLetter())), consumer, Map.of(at, new OffsetAndMetadata(e.offset() + 1)))) {
                        consumer.seek(at, e.offset() + 1);
                        progress.skipped(skip);
                    }
                    continue;
                }
                for (ConsumerRecord<String, EvaluationTask> record : records) {
                    if (!work(record, consumer, sender)) {
                        break;
                    }
                }
            }
        } finally {
            if (loaded != null) {
                loaded.policy().close();
            }
        }
    }

    /** Does one task and commits it; false when the commit was aborted (the consumer has been rewound). */
    private boolean work(ConsumerRecord<String, EvaluationTask> record, KafkaConsumer<?, ?> consumer,
            TransactionalSender sender) {
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition(record.topic(),
                record.partition()), new OffsetAndMetadata(record.offset() + 1));
        EvaluationTask task = record.value();
        if (task == null) {
            return sender.commit(List.of(), consumer, offsets);
        }
        progress.started(task);
        Outcome outcome = evaluate(task);
        if (!running.getAsBoolean()) {
            // Closing: leave the task to the next owner rather than commit half a shutdown's work.
            return false;
        }
        if (!sender.commit(outcome.records(), consumer, offsets)) {
            return false;
        }
        if (outcome.skip() != null) {
            progress.skipped(outcome.skip());
        } else {
            progress.done(task, outcome.timings());
        }
        return true;
    }

    /** The records of one task: its evaluation records, or the dead letter that says why there are none. */
    private record Outcome(List<ProducerRecord<String, byte[]>> records, CheckpointEvaluation.Timings timings,
            Skip skip) {
    }

    private Outcome evaluate(EvaluationTask task) {
        CheckpointEvent event = task.getCheckpoint();
        String what = "checkpoint " + event.getRunId() + "@" + event.getStep()
                + (task.getShards() > 1 ? " (shard " + (task.getShard() + 1) + "/" + task.getShards() + ")" : "");
        if (!digest.equals(task.getPromptsDigest()) || task.getPromptCount() != evaluation.prompts().size()) {
            return skipped(task, what, "this worker's eval prompts, seed, generation limit or judge differ from "
                    + "the planner's (" + evaluation.prompts().size() + " prompts vs " + task.getPromptCount()
                    + "): start every evaluator of group " + group + " with the same --prompts, --seed, "
                    + "--max-new-tokens and judge");
        }
        Policy policy;
        try {
            policy = policy(event);
        } catch (Unloadable e) {
            return skipped(task, what, e.getMessage());
        }
        Instant now = Instant.now();
        List<CheckpointEvaluation.PromptOutcome> outcomes;
        try {
            outcomes = evaluation.outcomes(policy, task.getStep(), task.getFirstPrompt(), task.getEndPrompt());
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            // Loaded, yet it cannot be sampled or judged (e.g. a checkpoint of another vocabulary): skip it.
            return skipped(task, what, "evaluating it failed (" + Skip.firstLine(e) + ")");
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(outcomes.size());
        for (CheckpointEvaluation.PromptOutcome o : outcomes) {
            Judgment judgment = Records.evaluation(task.getRunId(), task.getStep(),
                    CheckpointEvaluation.promptId(o.promptIndex()), evaluation.judgeName(), o.completion(),
                    o.baseline(), o.verdict(), o.sample(), now);
            records.add(TransactionalSender.record(topics.judgments(), Records.judgmentKey(judgment), judgment));
        }
        return new Outcome(records, evaluation.lastTimings(), null);
    }

    private Outcome skipped(EvaluationTask task, String what, String reason) {
        Skip skip = new Skip(task.getSourceTopic(), task.getSourcePartition(), task.getSourceOffset(),
                task.getCheckpoint().toString().getBytes(StandardCharsets.UTF_8), what, reason);
        return new Outcome(List.of(TransactionalSender.record(topics.dlq(), skip.origin(), skip.deadLetter())),
                null, skip);
    }

    /** Why a checkpoint cannot be evaluated, remembered so its other shards fail fast. */
    private static final class Unloadable extends Exception {
        Unloadable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The loaded checkpoint (or why it failed), kept while consecutive tasks share it. */
    private record LoadedCheckpoint(String uri, String sha256, Policy policy, String failure) {
    }

    private Policy policy(CheckpointEvent event) throws Unloadable {
        if (loaded != null && loaded.uri().equals(event.getUri()) && loaded.sha256().equals(event.getSha256())) {
            if (loaded.failure() != null) {
                throw new Unloadable(loaded.failure());
            }
            return loaded.policy();
        }
        if (loaded != null && loaded.policy() != null) {
            loaded.policy().close();
        }
        loaded = null;
        String failure;
        try {
            Path file = source.get().verify(event);
            try {
                loaded = new LoadedCheckpoint(event.getUri(), event.getSha256(), Policy.load(file), null);
                return loaded.policy();
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                throw e;
            } catch (RuntimeException e) {
                // The sha256 matched, yet the file does not load: the trainer wrote a broken file. Skip it for good.
                failure = "the file " + file + " does not load as a policy (" + Skip.firstLine(e) + ")";
            }
        } catch (CheckpointSource.Unreadable e) {
            failure = e.getMessage();
        }
        loaded = new LoadedCheckpoint(event.getUri(), event.getSha256(), null, failure);
        throw new Unloadable(failure);
    }
}
