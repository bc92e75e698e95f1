package dev.tralign.evaluator.service;

import dev.tralign.evaluator.stream.Keys;
import dev.tralign.evaluator.stream.Records;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.trainer.Policy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows tralign.checkpoints and, for each checkpoint of the runs it evaluates, loads the weights (after checking
 * their sha256), samples the fixed eval prompts, judges each completion against the SFT baseline's and publishes one
 * evaluation record (a Judgment with the verdict and the sample's log-probs under the policy and under SFT, for KL)
 * per prompt. The win-rate topology turns those into WinRate records.
 *
 * <p>A checkpoint event the service cannot use is skipped and reported, never retried and never fatal: an event
 * that is not Avro, a URI that is not {@code file:}, a file that is missing, not a regular file, over the size cap,
 * not hashed within the time limit ({@link CheckpointSource}), whose sha256 does not match, or that does not load as
 * a policy. Each goes to the listener, the log, {@link #skipped()} and tralign.dlq (a DeadLetter with the event's
 * origin and the reason), and the offset is committed past it, so a restart does not meet it again.
 */
public final class CheckpointEvaluatorService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointEvaluatorService.class);

    private final Map<String, Object> kafkaConfig;
    private final Topics topics;
    private final CheckpointEvaluation evaluation;
    private final Consumer<String> listener;
    /** (run, step) pairs already judged: a final checkpoint often repeats the last periodic one. */
    private final Set<String> judged = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong evaluated = new AtomicLong();
    private final Map<String, Judged> judgedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();
    private final Thread thread;
    private volatile CheckpointSource source = new CheckpointSource(CheckpointSource.DEFAULT_MAX_BYTES,
            CheckpointSource.DEFAULT_HASH_TIMEOUT, () -> !running.get());
    private volatile Throwable failure;
    private volatile PublishedAs publishedAs = PublishedAs.own();

    public CheckpointEvaluatorService(Map<String, Object> kafkaConfig, Topics topics, CheckpointEvaluation evaluation,
            String groupId, Consumer<String> listener) {
        this.kafkaConfig = new HashMap<>(kafkaConfig);
        this.kafkaConfig.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        this.topics = topics;
        this.evaluation = evaluation;
        this.listener = listener;
        this.thread = new Thread(this::loop, "checkpoint-evaluator");
        this.thread.setDaemon(true);
    }

    /**
     * Publishes each checkpoint's evaluation under the run and step {@code naming} gives (e.g. the demo's online
     * rounds as one curve). Call before {@link #start}.
     */
    public CheckpointEvaluatorService publishingAs(PublishedAs naming) {
        this.publishedAs = naming;
        return this;
    }

    /**
     * Bounds on reading checkpoint files (defaults: 16 GiB, 5 minutes to hash). Call before {@link #start}.
     */
    public CheckpointEvaluatorService withFileLimits(long maxBytes, Duration hashTimeout) {
        this.source = new CheckpointSource(maxBytes, hashTimeout, () -> !running.get());
        return this;
    }

    /** Checkpoint events skipped because they could not be read or evaluated (each also logged and dead-lettered). */
    public long skipped() {
        return skipped.get();
    }

    public CheckpointEvaluatorService start() {
        thread.start();
        return this;
    }

    /** Distinct (run, step) checkpoints evaluated so far. */
    public long evaluated() {
        return evaluated.get();
    }

    /** How one checkpoint was judged, once its judgments were flushed to Kafka (for the benchmark and logs). */
    public record Judged(double generationMillis, double judgingMillis, long publishedNanoTime) {
    }

    /** The record of a judged checkpoint, empty until its judgments are published. */
    public java.util.Optional<Judged> judged(String runId, long step) {
        return java.util.Optional.ofNullable(judgedAt.get(Keys.of(runId, step)));
    }

    /** The error that stopped the service, or null. */
    public Throwable failure() {
        return failure;
    }

    private void loop() {
        // Sampling and scoring run on this thread: DJL's grad mode is per thread, and Policy calls run without it.
        Map<String, Object> consumerConfig = new HashMap<>(kafkaConfig);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        consumerConfig.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000);
        Map<String, Object> producerConfig = new HashMap<>(kafkaConfig);
        producerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        Topic<String, CheckpointEvent> checkpoints = topics.checkpoints();
        try (KafkaConsumer<String, CheckpointEvent> consumer = new KafkaConsumer<>(consumerConfig,
                checkpoints.keySerde().deserializer(), checkpoints.valueSerde().deserializer());
                KafkaProducer<String, Judgment> judgments = producer(producerConfig, topics.judgments());
                KafkaProducer<String, DeadLetter> deadLetters = producer(producerConfig, topics.dlq())) {
            consumer.subscribe(List.of(checkpoints.name()));
            while (running.get()) {
                ConsumerRecords<String, CheckpointEvent> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (RecordDeserializationException e) {
                    // Not a CheckpointEvent (not Avro, another schema): skip it for good.
                    skip(deadLetters, e.topicPartition().topic(), e.topicPartition().partition(), e.offset(),
                            bytes(e.valueBuffer()), "checkpoint event at " + e.topicPartition() + "@" + e.offset(),
                            "the record is not a CheckpointEvent (" + firstLine(e.getCause()) + ")");
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    consumer.commitSync(Map.of(e.topicPartition(), new OffsetAndMetadata(e.offset() + 1)));
                    continue;
                }
                for (ConsumerRecord<String, CheckpointEvent> record : records) {
                    if (record.value() != null) {
                        evaluate(record, judgments, deadLetters);
                    }
                }
                consumer.commitSync();
            }
        } catch (org.apache.kafka.common.errors.InterruptException | org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("checkpoint evaluator stopped", e);
        }
    }

    private void evaluate(ConsumerRecord<String, CheckpointEvent> record, KafkaProducer<String, Judgment> judgments,
            KafkaProducer<String, DeadLetter> deadLetters) {
        CheckpointEvent event = record.value();
        String what = "checkpoint " + event.getRunId() + "@" + event.getStep();
        Path file;
        try {
            file = source.verify(event);
        } catch (CheckpointSource.Unreadable e) {
            skip(deadLetters, record.topic(), record.partition(), record.offset(),
                    event.toString().getBytes(StandardCharsets.UTF_8), what, e.getMessage());
            return;
        }
        PublishedAs.RunStep published = publishedAs.of(event.getRunId(), event.getStep());
        String runId = published.runId();
        long step = published.step();
        if (!judged.add(Keys.of(runId, step))) {
            return;
        }
        Instant now = Instant.now();
        List<CheckpointEvaluation.PromptOutcome> outcomes;
        try (Policy policy = Policy.load(file)) {
            outcomes = evaluation.outcomes(policy, step);
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            // The sha256 matched, yet the file does not load: the trainer wrote a broken file. Skip it for good.
            judged.remove(Keys.of(runId, step));
            skip(deadLetters, record.topic(), record.partition(), record.offset(),
                    event.toString().getBytes(StandardCharsets.UTF_8), what, "the file " + file
                            + " does not load as a policy (" + firstLine(e) + ")");
            return;
        }
        for (CheckpointEvaluation.PromptOutcome o : outcomes) {
            send(judgments, topics.judgments(), Records.evaluation(runId, step, promptId(o.promptIndex()),
                    evaluation.judgeName(), o.completion(), o.baseline(), o.verdict(), o.sample(), now));
        }
        judgments.flush();
        CheckpointEvaluation.Timings timings = evaluation.lastTimings();
        judgedAt.put(Keys.of(runId, step), new Judged(timings.generationMillis(),
                timings.judgingMillis(), System.nanoTime()));
        evaluated.incrementAndGet();
    }

    /** Reports a checkpoint event that cannot be evaluated: listener, log, counter and a dead letter. */
    private void skip(KafkaProducer<String, DeadLetter> deadLetters, String topic, int partition, long offset,
            byte[] original, String what, String reason) {
        skipped.incrementAndGet();
        String origin = topic + "/" + partition + "@" + offset;
        listener.accept("skipped " + what + " (" + origin + "): " + reason);
        LOG.warn("skipped {} ({}): {}", what, origin, reason);
        DeadLetter letter = DeadLetter.newBuilder().setOriginalBytes(ByteBuffer.wrap(original)).setOrigin(origin)
                .setSourceTopic(topic).setSourcePartition(partition).setSourceOffset(offset)
                .setErrorClass("UNREADABLE_CHECKPOINT").setReason(what + ": " + reason).setAt(Instant.now()).build();
        deadLetters.send(new ProducerRecord<>(topics.dlq().name(), origin, letter), (metadata, error) -> {
            if (error != null) {
                LOG.error("could not dead-letter {}: {}", origin, error.getMessage());
            }
        });
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static String firstLine(Throwable e) {
        return e == null ? "no detail" : String.valueOf(e.getMessage()).lines().findFirst().orElse("no detail");
    }

    private static String promptId(int index) {
        return "eval-" + index;
    }

    private static <V> void send(KafkaProducer<String, V> producer, Topic<String, V> topic, V value) {
        String key = value instanceof Judgment j ? Records.judgmentKey(j) : null;
        producer.send(new ProducerRecord<>(topic.name(), key, value), (metadata, error) -> {
            if (error != null) {
                LOG.error("could not publish to {}: {}", topic.name(), error.getMessage());
            }
        });
    }

    private static <V> KafkaProducer<String, V> producer(Map<String, Object> config, Topic<String, V> topic) {
        return new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
