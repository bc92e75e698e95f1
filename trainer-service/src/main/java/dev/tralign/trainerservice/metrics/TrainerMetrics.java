package dev.tralign.trainerservice.metrics;

import dev.tralign.trainer.StepResult;
import dev.tralign.trainerservice.RunEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A progress listener ({@code TrainerService.addProgressListener}) that turns step results into Prometheus metrics,
 * and a metrics listener ({@code TrainerService.addMetricsListener}) that shows each published TrainMetrics record
 * as gauges; every meter is tagged with the run id:
 *
 * <ul>
 *   <li>{@code tralign_trainer_step_duration_seconds} (timer): wall time of each optimizer step, all its
 *       micro-batches included</li>
 *   <li>{@code tralign_trainer_tokens_per_second}: real tokens of the last optimizer step over its duration</li>
 *   <li>{@code tralign_trainer_tokens_total}, {@code tralign_trainer_loss} (last micro-batch),
 *       {@code tralign_trainer_optimizer_step}</li>
 *   <li>{@code tralign_trainer_reference_updates_total}: trust-region updates of the reference model</li>
 *   <li>{@code tralign_trainer_metric{name="..."}}: the last published step's training metrics under TRL's names
 *       ({@code rewards/chosen}, {@code rewards/margins}, {@code logps/rejected}, {@code logits/chosen},
 *       {@code grad_norm}, {@code learning_rate}, KTO's {@code kl}, {@code sft/...}, the reference task's
 *       {@code eval/sft_nll}...): the very map of its {@code tralign.train-metrics} event, every
 *       metrics.every_steps steps (a name keeps its last value on steps that do not publish it)</li>
 *   <li>{@code tralign_trainer_checkpoint_last_step} and {@code tralign_trainer_checkpoint_files}: read from the
 *       run's checkpoint directory at scrape time, so they count the files actually written</li>
 * </ul>
 *
 * <p>The listener runs on the training thread and only updates counters: it never slows a step down. Gauges hold
 * their state strongly (Micrometer's default is a weak reference, which reads NaN once collected).
 */
public final class TrainerMetrics implements Consumer<StepResult> {

    private static final Pattern CHECKPOINT = Pattern.compile("step-(\\d+)\\.ckpt");

    private final LongSupplier nanoClock;
    private final Timer stepDuration;
    private final Counter tokens;
    private final Counter referenceUpdates;
    private final AtomicLong optimizerStep = new AtomicLong();
    private final AtomicLong lastLossBits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong tokensPerSecondBits = new AtomicLong(Double.doubleToLongBits(0));
    private final MeterRegistry registry;
    private final Tags tags;
    /** Gauge values by TRL metric name, registered when a name first appears (losses log different sets). */
    private final Map<String, AtomicLong> namedBits = new HashMap<>();
    private long stepStartedNanos;
    private long stepTokens;

    /**
     * Registers the run's meters.
     *
     * @param registry where the meters go (a PrometheusMeterRegistry in production)
     * @param runId the run, as tag {@code run}
     * @param checkpointDir the run's checkpoint directory ({@code <checkpoint.dir>/<run.id>})
     */
    public TrainerMetrics(MeterRegistry registry, String runId, Path checkpointDir) {
        this(registry, runId, checkpointDir, System::nanoTime);
    }

    /** The same with an injected clock, for tests. */
    TrainerMetrics(MeterRegistry registry, String runId, Path checkpointDir, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.stepStartedNanos = nanoClock.getAsLong();
        this.registry = registry;
        this.tags = Tags.of("run", runId);
        this.stepDuration = Timer.builder("tralign.trainer.step.duration").tags(tags)
                .description("Wall time of one optimizer step, all its micro-batches included").register(registry);
        this.tokens = Counter.builder("tralign.trainer.tokens").tags(tags)
                .description("Real (non-padding) tokens fed through the policy").register(registry);
        this.referenceUpdates = Counter.builder("tralign.trainer.reference.updates").tags(tags)
                .description("Trust-region updates of the reference model").register(registry);
        Gauge.builder("tralign.trainer.tokens.per.second", tokensPerSecondBits, b -> Double.longBitsToDouble(b.get()))
                .tags(tags).strongReference(true).description("Tokens per second of the last optimizer step").register(registry);
        Gauge.builder("tralign.trainer.loss", lastLossBits, b -> Double.longBitsToDouble(b.get()))
                .tags(tags).strongReference(true).description("Loss of the last micro-batch").register(registry);
        Gauge.builder("tralign.trainer.optimizer.step", optimizerStep, AtomicLong::get)
                .tags(tags).strongReference(true).description("Optimizer steps taken so far").register(registry);
        Gauge.builder("tralign.trainer.checkpoint.last.step", checkpointDir, dir -> lastCheckpointStep(dir))
                .tags(tags).strongReference(true)
                .description("Step of the newest checkpoint file of the run (-1: none yet)")
                .register(registry);
        Gauge.builder("tralign.trainer.checkpoint.files", checkpointDir, dir -> checkpointFiles(dir).count())
                .tags(tags).strongReference(true).description("Checkpoint files of the run on disk").register(registry);
    }

    @Override
    public void accept(StepResult result) {
        tokens.increment(result.tokens());
        stepTokens += result.tokens();
        lastLossBits.set(Double.doubleToLongBits(result.loss()));
        result.referenceUpdate().ifPresent(update -> referenceUpdates.increment());
        if (result.step() > optimizerStep.get()) {
            // This micro-batch completed an optimizer step: close the step's timing.
            long now = nanoClock.getAsLong();
            long elapsed = Math.max(1, now - stepStartedNanos);
            stepDuration.record(Duration.ofNanos(elapsed));
            tokensPerSecondBits.set(Double.doubleToLongBits(stepTokens / (elapsed / 1e9)));
            optimizerStep.set(result.step());
            stepStartedNanos = now;
            stepTokens = 0;
        }
    }

    /**
     * A step's published metrics (TrainingLoop averaged them over the step's micro-batches once, for the event);
     * the gauges show the same numbers instead of averaging again.
     */
    public void published(RunEvent.MetricsRecorded metrics) {
        metrics.named().forEach((name, value) -> named(name).set(Double.doubleToLongBits(value)));
    }

    private AtomicLong named(String name) {
        return namedBits.computeIfAbsent(name, n -> {
            AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
            Gauge.builder("tralign.trainer.metric", bits, b -> Double.longBitsToDouble(b.get()))
                    .tags(tags.and("name", n)).strongReference(true)
                    .description("Training metrics of the last optimizer step under TRL's names").register(registry);
            return bits;
        });
    }

    private static double lastCheckpointStep(Path dir) {
        try (Stream<Path> files = checkpointFiles(dir)) {
            return files.map(p -> CHECKPOINT.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches).mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(-1);
        }
    }

    private static Stream<Path> checkpointFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try (Stream<Path> list = Files.list(dir)) {
            // Collected so the directory handle is closed before the caller consumes the stream.
            return list.filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches()).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoint directory " + dir, e);
        }
    }
}
