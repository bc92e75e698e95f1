package dev.tralign.trainerservice;

import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.TopicPartitionOffset;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.OptimizerStep;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.reference.ReferenceUpdate;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.StepResult;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.config.RunConfigDef;
import dev.tralign.trainerservice.source.OffsetRange;
import dev.tralign.trainerservice.source.RecordSource;
import dev.tralign.trainer.step.MicroBatchResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop, independent of where records come from ({@link RecordSource}) and where events go
 * ({@link RunOutput}): assemble a step's micro-batches, train them, note the step in the ledger, and every
 * checkpoint.every_steps write the checkpoint file, put it into the checkpoint store ({@link CheckpointKeeper}) and
 * commit it with every pending event and the input positions.
 * Drive it from one thread.
 */
public final class TrainingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    /** Checkpoint metadata: records skipped so far because their key was already trained in their epoch. */
    static final String DUPLICATES_KEY = "duplicates.skipped";
    /** Checkpoint metadata "end" of a run its guard policy stopped; such a run is over, like a completed one. */
    static final String GUARD_STOP = "guard-stop";

    private final RunConfig config;
    private final AlignmentTrainer trainer;
    private final RecordSource source;
    private final GroupAssembler assembler;
    private final RunOutput output;
    private final CheckpointKeeper keeper;
    /** Facts of the run that every checkpoint event repeats (its offset range, or where a stream started). */
    private final Map<String, String> runMetadata;
    private final long plannedSteps;
    private final List<Consumer<StepResult>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<RunEvent.MetricsRecorded>> metricsListeners = new CopyOnWriteArrayList<>();
    private final List<RunEvent> pending = new ArrayList<>();
    private final List<CheckpointEvent> committed = new ArrayList<>();
    private Map<TopicPartition, Long> positions;
    private Map<String, String> sourceState;
    private int epoch;
    private long referenceVersion;
    private long deadLetters;
    /** Null when input.dedupe is off. */
    private final RecordDedupe dedupe;
    private GuardSignal guard = GuardSignal.NONE;
    /** The reference task scored every metrics.heldout_sft.every_steps, or null. */
    private HeldoutSft heldout;
    /** Held-out scores waiting for the next published metrics record (the starting model's). */
    private final Map<String, Double> heldoutPending = new LinkedHashMap<>();
    private boolean heldoutLogged;

    TrainingLoop(RunConfig config, AlignmentTrainer trainer, RecordSource source, ExampleDecoder decoder,
            RunOutput output, CheckpointKeeper keeper, Map<String, String> runMetadata, long plannedSteps,
            long referenceVersion, RecordDedupe dedupe) {
        this.config = config;
        this.trainer = trainer;
        this.source = source;
        this.output = output;
        this.keeper = keeper;
        this.runMetadata = Map.copyOf(runMetadata);
        this.plannedSteps = plannedSteps;
        this.referenceVersion = referenceVersion;
        this.positions = source.positions();
        this.sourceState = source.checkpointState();
        this.epoch = source.epoch();
        // KTO's KL reference point pairs each prompt with another example's completion: it needs two
        // (apo_zero_unpaired has no reference point).
        int minimum = config.lossType() == dev.tralign.trainer.config.LossType.KTO ? 2 : 1;
        this.assembler = new GroupAssembler(source, decoder, config.batchSize(), config.gradientAccumulationSteps(),
                minimum, config.streaming(), config.maxWaitMs(), dedupe, () -> trainer.step() + 1);
        this.dedupe = dedupe;
    }

    void addListener(Consumer<StepResult> listener) {
        listeners.add(listener);
    }

    void addMetricsListener(Consumer<RunEvent.MetricsRecorded> listener) {
        metricsListeners.add(listener);
    }

    /** Where the run's guard policy comes from (default: none, the run never stops for an alert). */
    void guardedBy(GuardSignal signal) {
        this.guard = signal;
    }

    /**
     * Scores the policy on a held-out SFT set (eval/sft_nll) on its due steps, and the starting model once when the
     * run starts at step 0. Its ids must fit the model's vocabulary (checked here, before training).
     */
    void scoringHeldout(HeldoutSft set) {
        set.requireVocabulary(trainer.modelConfig().vocabSize());
        this.heldout = set;
    }

    /** Trains until the data ends, max_steps is reached or {@code stop} turns true; always ends with a checkpoint. */
    RunSummary run(BooleanSupplier stop, long resumedFromStep) {
        ProgressLog progress = new ProgressLog(config.runId(), plannedSteps, config.logEverySteps(), resumedFromStep);
        boolean completed = false;
        GuardSignal.Decision guardSays = GuardSignal.Decision.GO_ON;
        // The last checkpoint committed before the one at hand (0: none yet): the guard's verdict on it is awaited.
        long previousCheckpoint = resumedFromStep;
        if (heldout != null && trainer.step() == 0) {
            // The SFT model's own value: the guard's baseline before any update moved the policy.
            heldoutPending.put(HeldoutSft.START, scoreHeldout().nllPerToken());
        }
        while (!stop.getAsBoolean()) {
            if (config.maxSteps() > 0 && trainer.step() >= config.maxSteps()) {
                completed = true;
                break;
            }
            StepGroup group = assembler.next(stop);
            if (!group.complete()) {
                if (group.dataEnded()) {
                    consume(group);
                    if (group.droppedExamples() > 0) {
                        LOG.warn("run {}: {} examples at the end of the data do not fill an optimizer step "
                                + "(batch_size x gradient_accumulation_steps) and were not trained", config.runId(),
                                group.droppedExamples());
                    }
                    completed = true;
                }
                break;
            }
            trainStep(group, progress);
            consume(group);
            if (trainer.step() % config.checkpointEverySteps() == 0) {
                // The guard is asked at checkpoints only, so a stop always lands on a checkpoint step; asking may
                // wait for its verdict on the previous checkpoint. Either way the trained weights are the same.
                guardSays = guard.at(trainer.step(), previousCheckpoint, stop);
                if (guardSays.action() != GuardSignal.Action.GO_ON) {
                    break;
                }
                checkpoint(false, "periodic", null);
                previousCheckpoint = trainer.step();
            }
        }
        if (guardSays.action() == GuardSignal.Action.UNDECIDED) {
            LOG.warn("run {}: ending at step {} with a resumable checkpoint (end=stopped): {}; restart the run to "
                    + "go on", config.runId(), trainer.step(), guardSays.reason());
        }
        SavedCheckpoint last = guardSays.action() == GuardSignal.Action.STOP
                ? checkpoint(true, GUARD_STOP, guardSays.reason())
                : checkpoint(true, completed ? "completed" : "stopped", null);
        return new RunSummary(config.runId(), trainer.step(), last.path(), last.sha256(), List.copyOf(committed),
                deadLetters, completed, resumedFromStep);
    }

    private void consume(StepGroup group) {
        for (Rejected r : group.rejected()) {
            // Later epochs meet the same bad records again; one dead letter per record is enough.
            if (r.epoch() == 0) {
                LOG.warn("run {}: {} -> DLQ ({}): {}", config.runId(), r.record().origin(), r.errorClass(),
                        r.reason());
                pending.add(new RunEvent.DeadLettered(r, Instant.now()));
                deadLetters++;
            }
        }
        positions = group.positions();
        sourceState = group.sourceState();
        epoch = group.epoch();
    }

    /**
     * One optimizer step: the group's micro-batches accumulate their gradients, the optimizer step applies them,
     * then the trust-region update (TR-DPO/IPO/KTO) may mix or copy the policy into the reference. The ledger entry,
     * metrics and reference-update event wait for the next checkpoint's transaction.
     */
    private void trainStep(StepGroup group, ProgressLog progress) {
        long started = System.nanoTime();
        List<MicroBatchResult> results = new ArrayList<>();
        for (MicroBatch batch : group.microBatches()) {
            results.add(trainer.accumulate(batch.forTrainer()));
        }
        OptimizerStep step = trainer.optimizerStep();
        Optional<ReferenceUpdate> update = trainer.trustRegion().onOptimizerStep(step.step());
        update.ifPresent(u -> {
            referenceVersion = u.version();
            pending.add(new RunEvent.ReferenceUpdated(u, Instant.now()));
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        report(group, results, step, update, seconds);
        progress.onStep(step.step(), meanLoss(results), step.learningRate());
    }

    /** The step's ledger entry and (every metrics.every_steps) its metrics event; listeners see each micro-batch. */
    private void report(StepGroup group, List<MicroBatchResult> results, OptimizerStep step,
            Optional<ReferenceUpdate> update, double seconds) {
        List<String> ids = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        List<Integer> microBatchSizes = new ArrayList<>();
        for (MicroBatch batch : group.microBatches()) {
            ids.addAll(batch.ids());
            origins.addAll(batch.origins());
            microBatchSizes.add(batch.origins().size());
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        long tokens = 0;
        for (int i = 0; i < results.size(); i++) {
            StepResult result = i < results.size() - 1
                    ? StepResult.accumulated(results.get(i), step.step() - 1, step.learningRate())
                    : StepResult.completed(results.get(i), step, update);
            tokens += result.tokens();
            result.metrics().forEach((k, v) -> sums.merge(k, v, Double::sum));
            listeners.forEach(l -> l.accept(result));
        }
        pending.add(new LedgerEntry(step.step(), group.epoch(), ids, origins, microBatchSizes));
        if (step.step() % config.metricsEverySteps() == 0) {
            int n = results.size();
            Map<String, Double> means = new LinkedHashMap<>();
            sums.forEach((k, v) -> means.put(k, v / n));
            // The step's own values, not means over its micro-batches (only the last one carries grad_norm).
            means.put("grad_norm", step.gradNorm());
            means.put("learning_rate", step.learningRate());
            means.putAll(heldoutPending);
            heldoutPending.clear();
            // A multiple of metrics.every_steps (CrossChecks): every score is published. After the step's timing,
            // so tokens/s is the training's own.
            if (heldout != null && heldout.due(step.step())) {
                means.putAll(HeldoutSft.metrics(scoreHeldout()));
            }
            RunEvent.MetricsRecorded recorded = new RunEvent.MetricsRecorded(step.step(), meanLoss(results),
                    step.learningRate(), step.gradNorm(), tokens / seconds, means, Instant.now());
            pending.add(recorded);
            metricsListeners.forEach(l -> l.accept(recorded));
        }
    }

    private HeldoutSft.Score scoreHeldout() {
        long started = System.nanoTime();
        HeldoutSft.Score score = heldout.score(trainer);
        if (!heldoutLogged) {
            heldoutLogged = true;
            LOG.info("run {}: reference task {}: {} examples, {} of {} completion tokens scored (the rest cut at "
                    + "model.max_seq_len), every {} steps; at step {} {} nats/token in {} ms", config.runId(),
                    heldout.file(), heldout.size(), score.tokens(), heldout.completionTokens(),
                    heldout.everySteps(), trainer.step(), String.format("%.4f", score.nllPerToken()),
                    (System.nanoTime() - started) / 1_000_000);
        }
        return score;
    }

    private static double meanLoss(List<MicroBatchResult> results) {
        double loss = 0;
        for (MicroBatchResult r : results) {
            loss += r.loss();
        }
        return loss / results.size();
    }

    private SavedCheckpoint checkpoint(boolean last, String reason, String stopReason) {
        long step = trainer.step();
        SavedCheckpoint saved = trainer.saveCheckpoint(config.checkpointDir().resolve("step-" + step + ".ckpt"));
        // In the store before the transaction that names it: a reader never meets an event without its object.
        java.net.URI uri = keeper.store(saved);
        String policyDigest;
        try (Policy policy = trainer.policy()) {
            policyDigest = policy.digest();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("epoch", Integer.toString(epoch));
        metadata.put("end", reason);
        metadata.put("mode", config.streaming() ? "streaming" : "bounded");
        metadata.put("policy.digest", policyDigest);
        metadata.put("planned_steps", Long.toString(plannedSteps));
        metadata.putAll(sourceState);
        if (dedupe != null) {
            metadata.put(DUPLICATES_KEY, Long.toString(dedupe.skipped()));
        }
        metadata.putAll(runMetadata);
        config.definedSettings().forEach((k, v) -> metadata.put("config." + k, v));
        // What the trainer really uses: a run begun before the option existed keeps 1 (from its checkpoints) even
        // when resumed by a build whose default is 2, and its replay must know that.
        metadata.put("config." + RunConfigDef.MICRO_BATCH_SHARDS,
                Integer.toString(trainer.config().microBatchShards()));
        List<TopicPartitionOffset> offsets = new ArrayList<>();
        Map<TopicPartition, Long> sorted = new java.util.TreeMap<>(OffsetRange.partitionOrder());
        sorted.putAll(positions);
        sorted.forEach((tp, o) -> offsets.add(new TopicPartitionOffset(tp.topic(), tp.partition(), o)));
        CheckpointEvent event = CheckpointEvent.newBuilder()
                .setRunId(config.runId()).setStep(step).setUri(uri.toString())
                .setSha256(saved.sha256()).setConfigDigest(config.digest()).setConsumedOffsets(offsets)
                .setReferenceVersion(referenceVersion).setFinal$(last).setStopReason(stopReason)
                .setCreatedAt(Instant.now())
                .setMetadata(metadata).build();
        pending.add(new RunEvent.Checkpointed(event));
        output.commit(List.copyOf(pending), positions);
        pending.clear();
        committed.add(event);
        LOG.info("run {}: checkpoint step {} ({}) committed: {} sha256 {}", config.runId(), step, reason,
                uri, saved.sha256());
        keeper.committed(event, saved.path());
        return saved;
    }


    /** The checkpoint file of an event of a local store (a {@code file:} URI). */
    static java.nio.file.Path fileOf(CheckpointEvent event) {
        return java.nio.file.Path.of(java.net.URI.create(event.getUri()));
    }
}
