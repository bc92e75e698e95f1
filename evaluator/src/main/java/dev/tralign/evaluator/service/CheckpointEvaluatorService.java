package dev.tralign.evaluator.service;

import dev.tralign.evaluator.online.RoundRunIds;
import dev.tralign.evaluator.stream.Keys;
import dev.tralign.evaluator.stream.Records;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.Generation;
import dev.tralign.schemas.avro.GenerationRole;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import java.io.UncheckedIOException;
import java.net.URI;
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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows tralign.checkpoints and, for each checkpoint of the runs it evaluates, loads the weights (after checking
 * their sha256), samples the fixed eval prompts, judges each completion against the SFT baseline's and publishes one
 * Generation per sample (with log-probs under the policy and under SFT, for KL) and one Judgment per prompt. The
 * win-rate topology turns those into WinRate records. The baseline's generations are published once per run.
 *
 * <p>A checkpoint whose file is missing or whose digest does not match is reported to the listener and skipped; it
 * never stops the service.
 */
public final class CheckpointEvaluatorService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointEvaluatorService.class);

    private final Map<String, Object> kafkaConfig;
    private final Topics topics;
    private final CheckpointEvaluation evaluation;
    private final Consumer<String> listener;
    private final Set<String> baselinePublished = new HashSet<>();
    /** (run, step) pairs already judged: a final checkpoint often repeats the last periodic one. */
    private final Set<String> judged = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong evaluated = new AtomicLong();
    private final Map<String, Judged> judgedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean mergeRounds;

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
     * Publishes the checkpoints of round runs ({@code <series>.round<k>.from<s>}, {@link RoundRunIds}) as the series'
     * own run at step s + local step, so an online run trained in rounds is one curve. Call before {@link #start}.
     */
    public CheckpointEvaluatorService mergingRoundRuns() {
        this.mergeRounds = true;
        return this;
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
                KafkaProducer<String, Generation> generations = producer(producerConfig, topics.generations());
                KafkaProducer<String, Judgment> judgments = producer(producerConfig, topics.judgments())) {
            consumer.subscribe(List.of(checkpoints.name()));
            while (running.get()) {
                for (ConsumerRecord<String, CheckpointEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        evaluate(record.value(), generations, judgments);
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

    private void evaluate(CheckpointEvent event, KafkaProducer<String, Generation> generations,
            KafkaProducer<String, Judgment> judgments) {
        Path file;
        try {
            file = Path.of(URI.create(event.getUri()));
            String actual = CheckpointFile.sha256(file);
            if (!actual.equals(event.getSha256())) {
                listener.accept("skipped checkpoint " + event.getRunId() + "@" + event.getStep() + ": sha256 of "
                        + file + " is " + actual + ", the event says " + event.getSha256());
                return;
            }
        } catch (UncheckedIOException | IllegalArgumentException e) {
            listener.accept("skipped checkpoint " + event.getRunId() + "@" + event.getStep() + ": cannot read "
                    + event.getUri() + " (" + e.getMessage() + ")");
            return;
        }
        String runId = event.getRunId();
        long step = event.getStep();
        if (mergeRounds) {
            java.util.Optional<RoundRunIds.Round> round = RoundRunIds.parse(runId);
            if (round.isPresent()) {
                runId = round.get().series();
                step = round.get().seriesStep(step);
            }
        }
        if (!judged.add(Keys.of(runId, step))) {
            return;
        }
        Instant now = Instant.now();
        if (baselinePublished.add(runId)) {
            for (int i = 0; i < evaluation.prompts().size(); i++) {
                send(generations, topics.generations(), Generation.newBuilder().setRunId(runId).setStep(0)
                        .setRole(GenerationRole.BASELINE).setPromptId(promptId(i)).setPrompt(evaluation.prompts().get(i))
                        .setCompletion(evaluation.baseline().get(i)).setSeed(0).setAt(now).build());
            }
        }
        try (Policy policy = Policy.load(file)) {
            List<CheckpointEvaluation.PromptOutcome> outcomes = evaluation.outcomes(policy, step);
            for (CheckpointEvaluation.PromptOutcome o : outcomes) {
                send(generations, topics.generations(), Generation.newBuilder().setRunId(runId)
                        .setStep(step).setRole(GenerationRole.POLICY).setPromptId(promptId(o.promptIndex()))
                        .setPrompt(o.prompt()).setCompletion(o.completion()).setSeed(step)
                        .setTokens(o.tokens()).setLogProbPolicy(o.logProbPolicy()).setLogProbSft(o.logProbSft())
                        .setAt(now).build());
                send(judgments, topics.judgments(), Records.judgment(runId, step, promptId(o.promptIndex()),
                        evaluation.judgeName(), o.completion(), o.baseline(), o.verdict(), now));
            }
            generations.flush();
            judgments.flush();
            CheckpointEvaluation.Timings timings = evaluation.lastTimings();
            judgedAt.put(Keys.of(runId, step), new Judged(timings.generationMillis(),
                    timings.judgingMillis(), System.nanoTime()));
        }
        evaluated.incrementAndGet();
    }

    private static String promptId(int index) {
        return "eval-" + index;
    }

    private static <V> void send(KafkaProducer<String, V> producer, Topic<String, V> topic, V value) {
        String key = value instanceof Judgment j ? Records.judgmentKey(j)
                : value instanceof Generation g ? Keys.of(g.getRunId(), g.getStep(), g.getRole(), g.getPromptId())
                : null;
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
