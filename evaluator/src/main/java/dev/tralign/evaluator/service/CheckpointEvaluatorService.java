package dev.tralign.evaluator.service;

import dev.tralign.evaluator.stream.Keys;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.EvaluationTask;
import dev.tralign.store.CheckpointStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An evaluator process: follows tralign.checkpoints and judges each checkpoint of the runs it evaluates against the
 * SFT baseline on the run's fixed eval prompts, publishing one evaluation record per (run, step, prompt) on
 * tralign.judgments (the verdict with the sample's log-probs under the policy and under SFT, for KL). The win-rate
 * topology turns those into WinRate records.
 *
 * <p>Two parts, each exactly once through Kafka transactions, so any number of processes started with the same
 * group share the work:
 * <ul>
 *   <li>{@link TaskPlanner} (consumer group {@code group}): each checkpoint event becomes evaluation tasks on the
 *       group's task topic tralign.eval-tasks.&lt;group&gt;, one per shard of {@link #withSharding prompts per
 *       shard}, committed with the event's offset.</li>
 *   <li>{@link EvaluationWorker} (consumer group {@code group-workers}): each task is loaded, sampled, scored and
 *       judged, and its evaluation records are committed with the task's offset. A worker killed mid-task or a
 *       rebalance leaves the task to the next owner of its partition; nothing is published twice.</li>
 * </ul>
 *
 * <p>A checkpoint event the service cannot use is skipped and reported, never retried and never fatal: an event
 * that is not Avro, a URI outside the checkpoint store it reads ({@code file:} by default, or the S3 store of
 * {@link #withCheckpointStore}), a file or object that is missing or unreachable, not a regular file, over the size cap,
 * not hashed within the time limit ({@link CheckpointSource}), whose sha256 does not match, or that does not load as
 * a policy. A store that does not answer is first retried for {@link #withStoreRetry a while}, holding the task. Each goes to the listener, the log, {@link #skipped()} and tralign.dlq (a DeadLetter with the event's
 * origin and the reason; one per shard, since each shard's worker finds it), and the offset is committed past it,
 * so a restart does not meet it again.
 */
public final class CheckpointEvaluatorService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointEvaluatorService.class);
    /** Default task partitions: as many workers as this may share one checkpoint. */
    public static final int DEFAULT_TASK_PARTITIONS = 12;
    /** Default session timeout of the workers' group: how soon a killed worker's tasks move to another. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> kafkaConfig;
    private final Topics topics;
    private final CheckpointEvaluation evaluation;
    private final String group;
    private final Consumer<String> listener;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong evaluated = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Map<String, ShardsDone> progress = new ConcurrentHashMap<>();
    private final Map<String, Judged> judgedAt = new ConcurrentHashMap<>();
    private final Thread planner;
    private final Thread worker;
    private long maxBytes = CheckpointSource.DEFAULT_MAX_BYTES;
    private Duration hashTimeout = CheckpointSource.DEFAULT_HASH_TIMEOUT;
    private Duration storeRetry = CheckpointSource.DEFAULT_STORE_RETRY;
    private CheckpointStore store;
    private Path downloads;
    private volatile CheckpointSource source = newSource();
    private volatile Throwable failure;
    private volatile PublishedAs publishedAs = PublishedAs.own();
    private volatile Consumer<String> progressLines = line -> { };
    private int promptsPerShard;
    private int taskPartitions = DEFAULT_TASK_PARTITIONS;
    private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;

    public CheckpointEvaluatorService(Map<String, Object> kafkaConfig, Topics topics, CheckpointEvaluation evaluation,
            String groupId, Consumer<String> listener) {
        this.kafkaConfig = Map.copyOf(kafkaConfig);
        this.topics = topics;
        this.evaluation = evaluation;
        this.group = groupId;
        topics.evaluationTasks(groupId); // the group names the task topic: refuse a bad one now, not in a thread
        this.listener = listener;
        this.promptsPerShard = evaluation.prompts().size();
        this.planner = new Thread(() -> guarded(this::plan), "checkpoint-planner");
        this.worker = new Thread(() -> guarded(this::work), "checkpoint-evaluator");
        this.planner.setDaemon(true);
        this.worker.setDaemon(true);
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
        this.maxBytes = maxBytes;
        this.hashTimeout = hashTimeout;
        this.source = newSource();
        return this;
    }

    /**
     * How long a checkpoint store that does not answer (connection refused, timeouts, 5xx, throttling) is retried
     * before its checkpoint is skipped as unreadable (default 10 minutes); the task stays uncommitted meanwhile and
     * each retry is a progress line. Call before {@link #start}.
     */
    public CheckpointEvaluatorService withStoreRetry(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("the store retry timeout cannot be negative, got " + timeout);
        }
        this.storeRetry = timeout;
        this.source = newSource();
        return this;
    }

    private CheckpointSource newSource() {
        return new CheckpointSource(store, downloads, maxBytes, hashTimeout, storeRetry, () -> !running.get(),
                line -> progressLines.accept(line));
    }

    /**
     * Reads checkpoints from {@code store} (an S3 store's objects are downloaded into {@code downloads}, one at a
     * time); the service closes the store. Without it only {@code file:} checkpoints are read. Call before
     * {@link #start}.
     */
    public CheckpointEvaluatorService withCheckpointStore(CheckpointStore store, Path downloads) {
        this.store = store;
        this.downloads = downloads;
        this.source = newSource();
        return this;
    }

    /**
     * Splits each checkpoint into tasks of at most {@code promptsPerShard} prompts (default: all prompts, one task)
     * on a task topic of {@code partitions} partitions (created when missing; default
     * {@value #DEFAULT_TASK_PARTITIONS}). Each prompt draws from its own generator whatever the split, but a shard
     * is scored as one batch (log-probs equal to float32 rounding across splits): every process of a group uses the
     * same. Call before {@link #start}.
     */
    public CheckpointEvaluatorService withSharding(int promptsPerShard, int partitions) {
        if (promptsPerShard < 1) {
            throw new IllegalArgumentException("prompts per shard must be at least 1, got " + promptsPerShard);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("task partitions must be at least 1, got " + partitions);
        }
        this.promptsPerShard = promptsPerShard;
        this.taskPartitions = partitions;
        return this;
    }

    /** Session timeout of the workers' group (default 10 s; the broker allows 6 s to 5 min). Before {@link #start}. */
    public CheckpointEvaluatorService withSessionTimeout(Duration timeout) {
        this.sessionTimeout = timeout;
        return this;
    }

    /**
     * Receives a line when this process starts a task, when it has committed one, and before each retry of a
     * checkpoint store that does not answer. Call before {@link #start}.
     */
    public CheckpointEvaluatorService withProgress(Consumer<String> lines) {
        this.progressLines = lines;
        return this;
    }

    /** Checkpoint events (or shards) skipped because they could not be read or evaluated. */
    public long skipped() {
        return skipped.get();
    }

    public CheckpointEvaluatorService start() {
        planner.start();
        worker.start();
        return this;
    }

    /** Distinct (run, step) checkpoints whose every shard this process evaluated. */
    public long evaluated() {
        return evaluated.get();
    }

    /**
     * How one checkpoint was judged by this process, once all its shards were committed (for the benchmark and
     * logs): generation and judging time summed over its shards.
     */
    public record Judged(double generationMillis, double judgingMillis, long publishedNanoTime) {
    }

    /** The record of a checkpoint this process judged entirely, empty until its last shard is published. */
    public Optional<Judged> judged(String runId, long step) {
        return Optional.ofNullable(judgedAt.get(Keys.of(runId, step)));
    }

    /** The error that stopped the service, or null. */
    public Throwable failure() {
        return failure;
    }

    private void plan() {
        new TaskPlanner(kafkaConfig, topics, new TaskPlanner.Settings(group, evaluation.prompts().size(),
                promptsPerShard, taskPartitions, evaluation.digest()), () -> publishedAs, running::get,
                this::skip).run();
    }

    private void work() {
        new EvaluationWorker(kafkaConfig, topics, topics.evaluationTasks(group), group + "-workers", sessionTimeout,
                storeRetry, evaluation, () -> source,
                running::get, new EvaluationWorker.Progress() {
                    @Override
                    public void started(EvaluationTask task) {
                        progressLines.accept("started " + describe(task));
                    }

                    @Override
                    public void done(EvaluationTask task, CheckpointEvaluation.Timings timings) {
                        progressLines.accept("judged " + describe(task));
                        shardDone(task, timings);
                    }

                    @Override
                    public void skipped(Skip skip) {
                        skip(skip);
                    }
                }).run();
    }

    private static String describe(EvaluationTask task) {
        return "shard " + (task.getShard() + 1) + "/" + task.getShards() + " of " + task.getRunId() + "@"
                + task.getStep() + " (prompts " + task.getFirstPrompt() + ".." + (task.getEndPrompt() - 1) + ")";
    }

    /** Shards of one (run, step) this process committed, and their summed timings. */
    private record ShardsDone(Set<Integer> shards, double generationMillis, double judgingMillis) {
    }

    private void shardDone(EvaluationTask task, CheckpointEvaluation.Timings timings) {
        String key = Keys.of(task.getRunId(), task.getStep());
        ShardsDone done = progress.merge(key, new ShardsDone(Set.of(task.getShard()), timings.generationMillis(),
                timings.judgingMillis()), (a, b) -> new ShardsDone(union(a.shards(), b.shards()),
                a.generationMillis() + b.generationMillis(), a.judgingMillis() + b.judgingMillis()));
        if (done.shards().size() == task.getShards() && !judgedAt.containsKey(key)) {
            judgedAt.put(key, new Judged(done.generationMillis(), done.judgingMillis(), System.nanoTime()));
            evaluated.incrementAndGet();
        }
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        java.util.Set<Integer> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }

    /** Reports a checkpoint event or shard that cannot be evaluated (its dead letter is already committed). */
    private void skip(Skip skip) {
        skipped.incrementAndGet();
        listener.accept(skip.notice());
        LOG.warn("{}", skip.notice());
    }

    private void guarded(Runnable part) {
        try {
            part.run();
        } catch (org.apache.kafka.common.errors.InterruptException
                | org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            // An Error too (a class missing from the deployment): a dead part must show in failure() and /healthz.
            failure = e;
            LOG.error("checkpoint evaluator stopped", e);
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            planner.join(Duration.ofSeconds(30).toMillis());
            worker.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
