package dev.tralign.trainerservice;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.TopicPartitionOffset;
import dev.tralign.schemas.serde.AvroDeserializer;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.StepResult;
import dev.tralign.store.CheckpointStore;
import dev.tralign.store.CheckpointStores;
import dev.tralign.store.ChecksumMismatchException;
import dev.tralign.store.LocalCopy;
import dev.tralign.store.ReadLimits;
import dev.tralign.store.StoreOrFileOpener;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.config.RunConfigException;
import dev.tralign.trainerservice.source.KafkaRecordSource;
import dev.tralign.trainerservice.source.LedgerRecordSource;
import dev.tralign.trainerservice.source.MixPlan;
import dev.tralign.trainerservice.source.OffsetRange;
import dev.tralign.trainerservice.source.RecordSource;
import dev.tralign.trainerservice.source.ReplaySchedule;
import dev.tralign.trainerservice.source.SeenIds;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one run from Kafka, exactly once: a read_committed consumer (group {@code tralign-trainer-<run.id>},
 * manual assignment) feeds the {@link TrainingLoop}; a transactional producer (same transactional.id) commits each
 * checkpoint's events with the input offsets. On start it resumes from the run's last committed checkpoint, if
 * any; checkpoint files written after it (by a transaction that never committed) are ignored, and deleted
 * ({@link OrphanSweep}, checkpoint.sweep_orphans).
 *
 * <pre>{@code
 * try (TrainerService service = new TrainerService(RunConfig.load(file, Map.of()))) {
 *     service.addProgressListener(step -> ...);
 *     RunSummary summary = service.run();   // another thread may call service.stop()
 * }
 * }</pre>
 */
public final class TrainerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

    private final RunConfig config;
    private final OffsetRange fixedRange;
    /** Set for a replay of a streaming run: the steps to train, from its ledger. */
    private final List<ReplaySchedule.Step> replaySteps;
    private final TextTokenizer tokenizer;
    private final List<Consumer<StepResult>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<RunEvent.MetricsRecorded>> metricsListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile boolean training;
    /** Set for a replay: the recorded stop (or none), instead of watching the alerts topic. */
    private GuardSignal recordedStop;
    /** The reference task (metrics.heldout_sft.*), read at construction so a bad file fails at once; or null. */
    private final HeldoutSft heldout;

    /** A run over the offsets present when it starts (bounded) or everything that arrives (streaming). */
    public TrainerService(RunConfig config) {
        this(config, null);
    }

    /**
     * A bounded run over an explicit offset range (a replay of another run's range); null = capture at start.
     */
    public TrainerService(RunConfig config, OffsetRange range) {
        this(config, range, null);
    }

    private TrainerService(RunConfig config, OffsetRange range, List<ReplaySchedule.Step> replaySteps) {
        if (range != null && config.streaming()) {
            throw new RunConfigException("an explicit offset range needs mode=bounded: set mode=bounded");
        }
        if (replaySteps != null && !config.streaming()) {
            throw new IllegalArgumentException("a ledger replay is for streaming runs; bounded runs replay a range");
        }
        this.config = config;
        this.fixedRange = range;
        this.replaySteps = replaySteps == null ? null : List.copyOf(replaySteps);
        this.tokenizer = config.newTokenizer();
        try {
            this.heldout = HeldoutSft.load(config, ExampleEncoders.of(config, tokenizer));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (heldout != null) {
            LOG.info("run {}: read {} held-out SFT examples from {}", config.runId(), heldout.size(), heldout.file());
        }
    }

    /**
     * A streaming run that trains exactly {@code steps} (another run's ledger) instead of what arrives: the same
     * records in the same micro-batches, so a replay reproduces a streaming run whose batches timing decided.
     */
    public static TrainerService replayingLedger(RunConfig config, List<ReplaySchedule.Step> steps) {
        return new TrainerService(config, null, steps);
    }

    /**
     * Ends the run at its checkpoint of {@code step} with {@code reason}, as the replayed run's guard did, instead
     * of watching the alerts topic. Call before {@link #run()}.
     */
    public TrainerService stoppingAt(long step, String reason) {
        this.recordedStop = GuardSignal.at(step, reason);
        return this;
    }

    /**
     * Never stops for an alert and never waits for the guard's verdicts, whatever the guard policies say: a replay of
     * a run its guard did not stop trains what the original trained. Call before {@link #run()}.
     */
    public TrainerService withoutGuard() {
        this.recordedStop = GuardSignal.NONE;
        return this;
    }

    /** Called on the training thread after every micro-batch. */
    public void addProgressListener(Consumer<StepResult> listener) {
        listeners.add(listener);
    }

    /**
     * Called on the training thread with each step's metrics as they will be published on tralign.train-metrics
     * (every metrics.every_steps steps; committed with the next checkpoint).
     */
    public void addMetricsListener(Consumer<RunEvent.MetricsRecorded> listener) {
        metricsListeners.add(listener);
    }

    /**
     * True once {@link #run()} resolved where to read (input.start, the range, or the checkpoint to resume) and
     * entered the training loop: records written from then on reach a streaming run.
     */
    public boolean isTraining() {
        return training;
    }

    /** Asks {@link #run()} to finish the current optimizer step, checkpoint and return. Safe from any thread. */
    public void stop() {
        stopRequested = true;
    }

    /** Runs until the bounded range is done, max_steps is reached or {@link #stop()}; blocks. Call once. */
    public RunSummary run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("run() was already called: make a new TrainerService per run");
        }
        // The full config (secrets masked) is for the record, not for the console: it is 40 lines per run.
        LOG.info("run {}: starting with config digest {} (full config at DEBUG)", config.runId(), config.digest());
        LOG.debug("run {} config:\n{}", config.runId(), config);
        Map<String, Object> kafka = config.kafkaSettings();
        try (Topics topics = Topics.create(config.topicPrefix(), config.serdeSettings());
                Admin admin = Admin.create(properties(kafka));
                KafkaProducer<byte[], byte[]> producer = newProducer(kafka);
                KafkaConsumer<byte[], byte[]> consumer = newConsumer(kafka);
                CheckpointStore store = CheckpointStores.open(config.checkpointStore(), config.checkpointS3())) {
            ClusterAdmin cluster = new ClusterAdmin(admin, kafka.get("bootstrap.servers"));
            cluster.awaitReachable(config.runId(), () -> stopRequested);
            cluster.ensureTopic(topics.specOf(topics.trainerLedger()));
            List<TopicPartition> inputs = cluster.partitionsOf(config.inputTopics());
            // Fences an older instance of this run and aborts its open transaction before we read history.
            producer.initTransactions();
            List<CheckpointEvent> history = RunHistory.checkpoints(kafka, topics.checkpoints(), config.runId());
            Optional<CheckpointEvent> last = history.isEmpty() ? Optional.empty()
                    : Optional.of(history.get(history.size() - 1));
            checkCommittedOffsets(consumer, inputs, last);
            last.ifPresent(this::checkSameConfig);
            OrphanSweep sweep = config.checkpointSweepOrphans()
                    ? new OrphanSweep(config.runId(), store, config.checkpointDir()) : null;
            if (sweep != null) {
                // The history is complete (read_committed to the end, after fencing): what it cannot name, nothing can.
                sweep.sweep(history, "at start");
            }
            if (last.isPresent()) {
                String end = last.get().getMetadata().get("end");
                if (CheckpointKeeper.endsForGood(last.get())) {
                    LOG.info("run {} already {} at step {}: nothing to do", config.runId(),
                            "completed".equals(end) ? "completed" : "stopped by its guard policy ("
                                    + last.get().getStopReason() + ")", last.get().getStep());
                    return new RunSummary(config.runId(), last.get().getStep(), localCopy(store, last.get()),
                            last.get().getSha256(), List.of(), 0, true, last.get().getStep());
                }
            }
            InputStart where = new InputStart(config.inputStart(), consumer, inputs);
            OffsetRange range = config.streaming() ? null : where.range(last, fixedRange);
            Map<TopicPartition, Long> streamStart = config.streaming() ? where.streamStart(last) : null;
            long planned = plannedSteps(range);
            // Before the source assigns the consumer: the dedupe's keys are read with it first.
            RecordDedupe dedupe = config.inputDedupe() && replaySteps == null
                    ? dedupe(consumer, range != null ? range.start() : streamStart, last) : null;
            try (AlignmentTrainer trainer = last.isPresent() ? resume(store, last.get()) : create(planned);
                    RecordSource source = source(range != null ? range.start() : streamStart, consumer, range, last);
                    RunOutput output = new KafkaRunOutput(producer, consumer, new RunEvents(topics, config.runId()));
                    RetentionFacts retentionFacts = new RetentionFacts(kafka, topics.winRates(), topics.promotions(),
                            config.runId());
                    GuardSignal.Watch guard = guard(kafka, topics, last.map(CheckpointEvent::getStep).orElse(0L))) {
                CheckpointKeeper keeper = new CheckpointKeeper(config.runId(), store, config.checkpointUploadTimeout(),
                        config.checkpointRetention(), retentionFacts::read, history).sweepingOrphansAtEnd(sweep);
                TrainingLoop loop = new TrainingLoop(config, trainer, source, decoder(topics), output, keeper,
                        InputStart.runMetadata(range, streamStart),
                        planned, last.map(CheckpointEvent::getReferenceVersion).orElse(0L), dedupe);
                listeners.forEach(loop::addListener);
                metricsListeners.forEach(loop::addMetricsListener);
                loop.guardedBy(guard);
                if (heldout != null) {
                    loop.scoringHeldout(heldout);
                }
                training = true;
                return loop.run(() -> stopRequested, last.map(CheckpointEvent::getStep).orElse(0L));
            }
        }
    }

    /**
     * The run's guard: the recorded stop of a replay, the alerts topic when a policy says stop, else nothing (a run
     * with only warn policies never reads tralign.alerts).
     */
    private GuardSignal.Watch guard(Map<String, Object> kafka, Topics topics, long resumedFrom) {
        if (recordedStop != null) {
            return new NoGuard(recordedStop);
        }
        if (config.guardStopKinds().isEmpty()) {
            return new NoGuard(GuardSignal.NONE);
        }
        LOG.info("run {}: guard policy stop on {} (watching {} and {})", config.runId(), config.guardStopKinds(),
                topics.alerts().name(), topics.guardVerdicts().name());
        return new AlertWatch(kafka, topics.alerts(), topics.guardVerdicts(), config.runId(), config.guardStopKinds(),
                config.guardVerdictTimeout(), config.metricsEverySteps(), resumedFrom);
    }

    /** A guard with nothing to close. */
    private record NoGuard(GuardSignal signal) implements GuardSignal.Watch {
        @Override
        public GuardSignal.Decision at(long step, long previousCheckpoint,
                java.util.function.BooleanSupplier stopping) {
            return signal.at(step, previousCheckpoint, stopping);
        }

        @Override
        public void close() {
        }
    }

    private AlignmentTrainer create(long plannedSteps) {
        return NewTrainers.create(config, tokenizer, plannedSteps);
    }

    private AlignmentTrainer resume(CheckpointStore store, CheckpointEvent event) {
        Path file = localCopy(store, event);
        LOG.info("run {}: resuming from step {} ({})", config.runId(), event.getStep(), event.getUri());
        return AlignmentTrainer.resume(file);
    }

    /**
     * The committed checkpoint as a verified local file: in place for a local store, downloaded into the staging
     * directory from S3 (reused when the file there already has the committed sha256). A missing or changed
     * checkpoint cannot be resumed from: that ends the start with what to do.
     */
    private Path localCopy(CheckpointStore store, CheckpointEvent event) {
        try {
            return LocalCopy.of(new StoreOrFileOpener(store, "checkpoint.store (and checkpoint.s3.*)"), URI.create(event.getUri()), event.getSha256(),
                    config.checkpointDir().getParent(), ReadLimits.none()).path();
        } catch (ChecksumMismatchException e) {
            throw new IllegalStateException("run " + config.runId() + " cannot resume from step " + event.getStep()
                    + ": " + e.getMessage() + "; the file was changed or replaced: restore it or start a new run.id",
                    e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("run " + config.runId() + " cannot resume from step " + event.getStep()
                    + ": its checkpoint " + event.getUri() + " is missing from the store; restore it or start a new "
                    + "run.id", e);
        } catch (IOException e) {
            throw new IllegalStateException("run " + config.runId() + " cannot read its checkpoint of step "
                    + event.getStep() + " (" + e.getMessage() + "): check checkpoint.store and checkpoint.s3.*", e);
        }
    }

    private void checkSameConfig(CheckpointEvent last) {
        if (!last.getConfigDigest().equals(config.digest())) {
            throw new RunConfigException("run.id=" + config.runId() + " was started with config digest "
                    + last.getConfigDigest() + " but this config has digest " + config.digest()
                    + ": resume with the original settings, or give a new run.id");
        }
    }

    private void checkCommittedOffsets(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> inputs,
            Optional<CheckpointEvent> last) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(inputs));
        Map<TopicPartition, Long> recorded = last.map(TrainerService::offsetsOf).orElse(Map.of());
        for (TopicPartition tp : inputs) {
            OffsetAndMetadata c = committed.get(tp);
            Long r = recorded.get(tp);
            boolean same = c == null ? r == null : r != null && c.offset() == r;
            if (!same) {
                throw new IllegalStateException("consumer group " + config.clientId() + " has offset "
                        + (c == null ? "none" : c.offset()) + " on " + tp + " but the run's last checkpoint event "
                        + "records " + (r == null ? "none" : r) + ": another process committed offsets for this "
                        + "group; give a new run.id");
            }
        }
    }

    private RecordSource source(Map<TopicPartition, Long> startOffsets, KafkaConsumer<byte[], byte[]> consumer,
            OffsetRange range, Optional<CheckpointEvent> last) {
        Map<TopicPartition, Long> start = new LinkedHashMap<>(startOffsets);
        last.ifPresent(e -> start.putAll(offsetsOf(e)));
        int epoch = last.map(e -> Integer.parseInt(e.getMetadata().getOrDefault("epoch", "0"))).orElse(0);
        MixPlan plan = mixPlan(config);
        last.ifPresent(e -> plan.restore(e.getMetadata().get(MixPlan.METADATA_KEY)));
        if (replaySteps != null) {
            return new LedgerRecordSource(consumer,
                    ReplaySchedule.of(replaySteps, last.map(CheckpointEvent::getStep).orElse(0L)));
        }
        return range == null ? KafkaRecordSource.streaming(consumer, start, plan)
                : KafkaRecordSource.bounded(consumer, range, config.epochs(), epoch, start, plan);
    }

    /**
     * The keys trained so far in the current epoch, read back from the input topics: for a bounded run those between
     * its range's start and the last checkpoint's offsets, for a streaming run those from the beginning of what the
     * topics retain. Every record before a checkpoint's offsets was trained, dead-lettered or skipped, and a dead
     * letter's key is as good as trained (its copies fail the same way), so the set is exactly the run's.
     */
    private RecordDedupe dedupe(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> from,
            Optional<CheckpointEvent> last) {
        SeenIds seen = new SeenIds();
        if (last.isEmpty()) {
            return new RecordDedupe(seen, 0, 0);
        }
        Map<String, String> meta = last.get().getMetadata();
        long started = System.nanoTime();
        long read = KeyScan.read(consumer, from, offsetsOf(last.get()), key -> seen.add(key));
        LOG.info("run {}: {} keys already trained in this epoch, read back from {} records in {} ms", config.runId(),
                seen.size(), read, (System.nanoTime() - started) / 1_000_000);
        return new RecordDedupe(seen, Integer.parseInt(meta.getOrDefault("epoch", "0")),
                Long.parseLong(meta.getOrDefault(TrainingLoop.DUPLICATES_KEY, "0")));
    }

    /** input.mix over input.topics, or one group of every input partition when no mix is configured. */
    static MixPlan mixPlan(RunConfig config) {
        return config.inputMix().isEmpty() ? MixPlan.single("all")
                : new MixPlan(config.inputTopics(), config.inputMix());
    }

    private long plannedSteps(OffsetRange range) {
        if (config.maxSteps() > 0 || range == null) {
            return config.maxSteps();
        }
        long perStep = (long) config.batchSize() * config.gradientAccumulationSteps();
        return Math.max(1, range.size() * config.epochs() / perStep);
    }

    private ExampleDecoder decoder(Topics topics) {
        AvroDeserializer<SpecificRecord> values = new AvroDeserializer<>(topics.registryClient(), null);
        values.configure(config.serdeSettings(), false);
        return new ExampleDecoder(values, ExampleEncoders.of(config, tokenizer), config.lossType(),
                config.ktoSplitPairs(), config.onlineJudgedRun());
    }

    static Map<TopicPartition, Long> offsetsOf(CheckpointEvent event) {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        for (TopicPartitionOffset o : event.getConsumedOffsets()) {
            out.put(new TopicPartition(o.getTopic(), o.getPartition()), o.getOffset());
        }
        return out;
    }

    private KafkaProducer<byte[], byte[]> newProducer(Map<String, Object> kafka) {
        Properties p = properties(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.clientId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> newConsumer(Map<String, Object> kafka) {
        Properties p = properties(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.clientId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Properties properties(Map<String, Object> settings) {
        Properties p = new Properties();
        p.putAll(settings);
        return p;
    }

    @Override
    public void close() {
        stop();
        if (tokenizer instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("closing the tokenizer failed", e);
            }
        }
    }
}
