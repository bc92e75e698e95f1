package dev.tralign.evaluator.guard;

import dev.tralign.evaluator.winrate.PairedDifference;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the guard remembers of one run, and the signatures it checks as the run's numbers arrive: each method takes
 * one input (a fully evaluated checkpoint, a reference update, a judgment, training metrics, the held-out SFT NLL), updates the state and
 * returns what it found. Decisions depend only on the inputs and their order, never on the clock. A signature that
 * fired stays quiet until its condition clears (one alert per crossing, not one per checkpoint).
 *
 * <p>Checkpoints must arrive in step order (the evaluator judges them in the order the trainer wrote them); one at or
 * below the last seen step is ignored. A reference update at optimizer step u (made after step u's optimizer step,
 * TRL's SyncRefModelCallback order) changes only the training after u, so it separates the checkpoints before and
 * after u, not the checkpoint at u itself: a checkpoint at step u holds the policy the update copied. Updates below
 * the last checkpoint are ignored: they are committed with the checkpoint that follows them, before it can be
 * evaluated.
 */
public final class RunGuard {

    /** 2: the reference task's lowest NLL, its step and episode flag; 3: the verdicts' two watermarks. */
    private static final byte VERSION = 3;

    /** Judged preferences of a checkpoint, by prompt id (normalised to [1, 2], missing judgments left out). */
    @FunctionalInterface
    public interface Preferences {
        Map<String, Double> of(long step);
    }

    private long lastCheckpoint = -1;
    private final Deque<double[]> recentKl = new ArrayDeque<>();
    private boolean overBudget;
    private boolean oscillating;
    private final List<double[]> updatesAfterLast = new ArrayList<>();
    /** The pair of checkpoints a reference update separates, waiting for the later one's judgments: -1 = none. */
    private long dropBefore = -1;
    private long dropAfter = -1;
    private int dropUpdates;
    private double dropAlpha;
    private long metricRecords;
    private double lossAverage;
    private double lossLowest = Double.POSITIVE_INFINITY;
    private double gradAverage;
    private double gradLowest = Double.POSITIVE_INFINITY;
    private final Episode lossDiverged = new Episode();
    private final Episode gradDiverged = new Episode();
    /** The lowest held-out SFT NLL so far (the starting model's included), its step (0 = the start), -1 = none. */
    private double sftNllLowest = Double.POSITIVE_INFINITY;
    private long sftNllLowestStep = -1;
    private final Episode referenceTaskDegraded = new Episode();
    /** The latest checkpoint whose signatures are all decided, -1 before the first (the verdicts' watermark). */
    private long settledCheckpoint = -1;
    /** The step of the latest train-metrics record, -1 before the first (the verdicts' metrics watermark). */
    private long metricsStep = -1;

    /** The step of the last fully evaluated checkpoint, -1 before the first. */
    public long lastCheckpoint() {
        return lastCheckpoint;
    }

    /**
     * The latest checkpoint whose signatures are all decided (checked, and no drop test waiting for its judgments);
     * -1 before the first. It only grows: a checkpoint skipped because a later one was checked first is covered.
     */
    public long settledCheckpoint() {
        return settledCheckpoint;
    }

    /** The step of the latest training-metrics record, whose signatures are decided; -1 before the first. */
    public long metricsStep() {
        return metricsStep;
    }

    /**
     * True while the paired drop test of the last checkpoint(s) waits for the later checkpoint's judgments: until it
     * has run, the guard has not finished with that checkpoint (its verdict waits too).
     */
    public boolean awaitingDropTest() {
        return dropAfter >= 0;
    }

    /**
     * The earliest checkpoint whose judgments a drop test may still compare, given the checkpoint checked before
     * the last one: that one, or the earlier checkpoint of a test still waiting for judgments.
     */
    public long earliestStepNeeded(long previousCheckpoint) {
        return awaitingDropTest() ? Math.min(dropBefore, previousCheckpoint) : previousCheckpoint;
    }

    /** A reference update at optimizer step {@code step} mixing in the policy with weight {@code alpha}. */
    public void onReferenceUpdate(long step, double alpha) {
        if (step >= lastCheckpoint) {
            updatesAfterLast.add(new double[] {step, alpha});
        }
    }

    /**
     * A checkpoint whose evaluation is complete: KL budget and oscillation are checked, and if reference updates
     * happened since the previous checkpoint the paired drop test is queued (run now if the judgments are in).
     */
    public List<Finding> onCheckpoint(long step, double klToSft, double winRate, GuardConfig config,
            Preferences preferences) {
        List<Finding> found = new ArrayList<>();
        if (step <= lastCheckpoint) {
            return found;
        }
        klBudget(step, klToSft, winRate, config).ifPresent(found::add);
        recentKl.addLast(new double[] {step, klToSft});
        while (recentKl.size() > config.oscillationWindow()) {
            recentKl.removeFirst();
        }
        oscillation(step, config).ifPresent(found::add);
        int updates = 0;
        double alpha = Double.NaN;
        for (Iterator<double[]> it = updatesAfterLast.iterator(); it.hasNext();) {
            double[] update = it.next();
            // An update at this very step has not changed this checkpoint's policy yet: it belongs to the next.
            if (update[0] < step) {
                updates++;
                alpha = update[1];
                it.remove();
            }
        }
        if (updates > 0 && lastCheckpoint >= 0) {
            dropBefore = lastCheckpoint;
            dropAfter = step;
            dropUpdates = updates;
            dropAlpha = alpha;
        }
        lastCheckpoint = step;
        found.addAll(onJudgment(step, config, preferences));
        if (!awaitingDropTest()) {
            settledCheckpoint = lastCheckpoint;
        }
        return found;
    }

    /** A judgment of checkpoint {@code step} arrived: runs the queued drop test once its judgments are complete. */
    public List<Finding> onJudgment(long step, GuardConfig config, Preferences preferences) {
        if (dropAfter < 0 || step != dropAfter) {
            return List.of();
        }
        Map<String, Double> after = preferences.of(dropAfter);
        if (after.size() < config.evalPrompts()) {
            return List.of();
        }
        Map<String, Double> before = preferences.of(dropBefore);
        PairedDifference d = PairedDifference.of(after, before);
        long beforeStep = dropBefore;
        dropBefore = -1;
        dropAfter = -1;
        // Later checkpoints checked while the test waited are settled with it.
        settledCheckpoint = lastCheckpoint;
        if (!(d.high() < 0) || -d.meanDifference() < config.dropMinPoints()) {
            return List.of();
        }
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("before_step", (double) beforeStep);
        evidence.put("after_step", (double) step);
        evidence.put("reference_updates", (double) dropUpdates);
        evidence.put("alpha", dropAlpha);
        evidence.put("paired_prompts", (double) d.n());
        evidence.put("mean_difference", d.meanDifference());
        evidence.put("ci_low", d.low());
        evidence.put("ci_high", d.high());
        return List.of(new Finding(AlertKind.REFERENCE_UPDATE_DROP, AlertSeverity.WARNING, step, String.format(
                "win rate fell %.1f points (95%% paired interval %.1f to %.1f on %d prompts) from step %d to %d "
                        + "across %d reference update(s) (last alpha %.2f)", -d.meanDifference(), d.low(), d.high(),
                d.n(), beforeStep, step, dropUpdates, dropAlpha), evidence));
    }

    /** One training-metrics record of optimizer step {@code step}. */
    public List<Finding> onTrainMetrics(long step, double loss, double gradNorm, GuardConfig config) {
        metricRecords++;
        metricsStep = Math.max(metricsStep, step);
        List<Finding> found = new ArrayList<>();
        double weight = 2.0 / (config.divergenceSpan() + 1);
        if (!Double.isFinite(loss)) {
            if (lossDiverged.startsNonFinite()) {
                found.add(nonFinite(AlertKind.LOSS_DIVERGENCE, step, "loss", loss));
            }
        } else {
            lossAverage = metricRecords == 1 || !Double.isFinite(lossAverage) ? loss
                    : lossAverage + weight * (loss - lossAverage);
            boolean rising = metricRecords > config.divergenceWarmup()
                    && lossAverage > lossLowest + config.lossRise();
            // One alert per episode: an average hovering at the threshold does not alert on every crossing; the
            // episode ends when it is back halfway to its lowest.
            boolean recovered = lossAverage <= lossLowest + config.lossRise() / 2;
            if (lossDiverged.starts(rising, recovered)) {
                found.add(new Finding(AlertKind.LOSS_DIVERGENCE, AlertSeverity.WARNING, step, String.format(
                        "training loss average %.3f rose %.3f above its lowest %.3f (threshold %.3f)", lossAverage,
                        lossAverage - lossLowest, lossLowest, config.lossRise()), Map.of("loss_average",
                        lossAverage, "loss_lowest", lossLowest, "rise", config.lossRise(), "loss", loss)));
            }
            if (metricRecords > config.divergenceWarmup()) {
                lossLowest = Math.min(lossLowest, lossAverage);
            }
        }
        if (!Double.isFinite(gradNorm)) {
            if (gradDiverged.startsNonFinite()) {
                found.add(nonFinite(AlertKind.GRAD_NORM_DIVERGENCE, step, "gradient norm", gradNorm));
            }
        } else {
            gradAverage = metricRecords == 1 || !Double.isFinite(gradAverage) ? gradNorm
                    : gradAverage + weight * (gradNorm - gradAverage);
            boolean rising = metricRecords > config.divergenceWarmup()
                    && gradAverage > gradLowest * config.gradNormFactor();
            boolean recovered = gradAverage <= gradLowest * (1 + (config.gradNormFactor() - 1) / 2);
            if (gradDiverged.starts(rising, recovered)) {
                found.add(new Finding(AlertKind.GRAD_NORM_DIVERGENCE, AlertSeverity.WARNING, step, String.format(
                        "gradient norm average %.3g is %.1fx its lowest %.3g (threshold %.1fx)", gradAverage,
                        gradAverage / gradLowest, gradLowest, config.gradNormFactor()), Map.of("grad_norm_average",
                        gradAverage, "grad_norm_lowest", gradLowest, "factor", config.gradNormFactor(),
                        "grad_norm", gradNorm)));
            }
            if (metricRecords > config.divergenceWarmup()) {
                gradLowest = Math.min(gradLowest, gradAverage);
            }
        }
        return found;
    }

    /**
     * The policy's NLL on the held-out SFT set: {@code start} (the starting model's, null when not in this record)
     * and {@code nll} at optimizer step {@code step} (null when not scored there). REFERENCE_TASK_DEGRADED fires
     * when the NLL exceeds its lowest value so far by {@link GuardConfig#referenceTaskRise()}, once per episode
     * like the loss (it re-arms when the NLL is back within half the rise), and at once for a non-finite NLL.
     */
    public List<Finding> onReferenceTask(long step, Double start, Double nll, GuardConfig config) {
        if (start != null && start < sftNllLowest) {
            sftNllLowest = start;
            sftNllLowestStep = 0;
        }
        if (nll == null) {
            return List.of();
        }
        if (!Double.isFinite(nll)) {
            return referenceTaskDegraded.startsNonFinite()
                    ? List.of(nonFinite(AlertKind.REFERENCE_TASK_DEGRADED, step, "held-out SFT NLL", nll))
                    : List.of();
        }
        double rise = config.referenceTaskRise();
        boolean rising = nll > sftNllLowest + rise;
        boolean recovered = nll <= sftNllLowest + rise / 2;
        List<Finding> found = new ArrayList<>();
        if (referenceTaskDegraded.starts(rising, recovered)) {
            Map<String, Double> evidence = new LinkedHashMap<>();
            evidence.put("sft_nll", nll);
            evidence.put("sft_nll_lowest", sftNllLowest);
            evidence.put("lowest_step", (double) sftNllLowestStep);
            evidence.put("increase", nll - sftNllLowest);
            evidence.put("rise", rise);
            found.add(new Finding(AlertKind.REFERENCE_TASK_DEGRADED, AlertSeverity.WARNING, step, String.format(
                    "held-out SFT NLL %.4f nats/token rose %.4f above its lowest %.4f (step %d; threshold %.4f)",
                    nll, nll - sftNllLowest, sftNllLowest, sftNllLowestStep, rise), evidence));
        }
        if (nll < sftNllLowest) {
            sftNllLowest = nll;
            sftNllLowestStep = step;
        }
        return found;
    }

    /**
     * One alert per episode, the rule of the three rising-value signatures (loss, gradient norm, held-out SFT NLL):
     * an episode starts when the value rises past its threshold while none is under way, and ends only once the
     * value has recovered (halfway back), so a value hovering at the threshold alerts once. A non-finite value
     * starts one at once, or keeps the one under way open.
     */
    private static final class Episode {
        /** An episode is under way (part of the encoded state). */
        boolean active;

        /** True when an episode starts now; {@code recovered} ends the one under way. */
        boolean starts(boolean rising, boolean recovered) {
            boolean starts = rising && !active;
            active = active ? !recovered : rising;
            return starts;
        }

        /** True when a non-finite value starts an episode (none was under way). */
        boolean startsNonFinite() {
            boolean starts = !active;
            active = true;
            return starts;
        }
    }

    private static Finding nonFinite(AlertKind kind, long step, String what, double value) {
        return new Finding(kind, AlertSeverity.CRITICAL, step, what + " is " + value + " at step " + step,
                Map.of("value", value));
    }

    private java.util.Optional<Finding> klBudget(long step, double kl, double winRate, GuardConfig config) {
        boolean over = kl > config.klBudget();
        boolean crossed = over && !overBudget;
        overBudget = over;
        if (!crossed) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Finding(AlertKind.KL_BUDGET, AlertSeverity.CRITICAL, step, String.format(
                "KL to SFT %.2f nats is over the budget %.2f at step %d", kl, config.klBudget(), step),
                Map.of("kl_to_sft", kl, "budget", config.klBudget(), "win_rate", winRate)));
    }

    /**
     * Sign changes of the KL trend within the window: consecutive checkpoints' differences, counting only moves of
     * at least the amplitude, and a change wherever such a move goes the other way than the previous one.
     */
    private java.util.Optional<Finding> oscillation(long step, GuardConfig config) {
        int changes = 0;
        double lastSign = 0;
        double largest = 0;
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        double[] previous = null;
        for (double[] point : recentKl) {
            low = Math.min(low, point[1]);
            high = Math.max(high, point[1]);
            if (previous != null) {
                double move = point[1] - previous[1];
                if (Math.abs(move) >= config.oscillationAmplitude()) {
                    largest = Math.max(largest, Math.abs(move));
                    double sign = Math.signum(move);
                    if (lastSign != 0 && sign != lastSign) {
                        changes++;
                    }
                    lastSign = sign;
                }
            }
            previous = point;
        }
        boolean now = changes >= config.oscillationSignChanges();
        boolean started = now && !oscillating;
        oscillating = now;
        if (!started) {
            return java.util.Optional.empty();
        }
        double firstStep = recentKl.peekFirst()[0];
        return java.util.Optional.of(new Finding(AlertKind.KL_OSCILLATION, AlertSeverity.WARNING, step,
                String.format("KL to SFT changed direction %d times in the last %d checkpoints (steps %.0f-%d), "
                        + "moves up to %.2f nats (range %.2f-%.2f)", changes, recentKl.size(), firstStep, step,
                        largest, low, high),
                Map.of("sign_changes", (double) changes, "window", (double) recentKl.size(), "largest_move",
                        largest, "kl_low", low, "kl_high", high, "amplitude", config.oscillationAmplitude())));
    }

    /** The state as bytes (a version byte, then the fields); not a public format. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(lastCheckpoint);
            out.writeInt(recentKl.size());
            for (double[] p : recentKl) {
                out.writeDouble(p[0]);
                out.writeDouble(p[1]);
            }
            out.writeBoolean(overBudget);
            out.writeBoolean(oscillating);
            out.writeInt(updatesAfterLast.size());
            for (double[] u : updatesAfterLast) {
                out.writeDouble(u[0]);
                out.writeDouble(u[1]);
            }
            out.writeLong(dropBefore);
            out.writeLong(dropAfter);
            out.writeInt(dropUpdates);
            out.writeDouble(dropAlpha);
            out.writeLong(metricRecords);
            out.writeDouble(lossAverage);
            out.writeDouble(lossLowest);
            out.writeDouble(gradAverage);
            out.writeDouble(gradLowest);
            out.writeBoolean(lossDiverged.active);
            out.writeBoolean(gradDiverged.active);
            out.writeDouble(sftNllLowest);
            out.writeLong(sftNllLowestStep);
            out.writeBoolean(referenceTaskDegraded.active);
            out.writeLong(settledCheckpoint);
            out.writeLong(metricsStep);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The state {@link #encode} wrote. */
    public static RunGuard decode(byte[] bytes) {
        RunGuard g = new RunGuard();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("guard state version " + version + ", expected " + VERSION
                        + ": reset the evaluator's guard Streams application after an upgrade");
            }
            g.lastCheckpoint = in.readLong();
            for (int i = in.readInt(); i > 0; i--) {
                g.recentKl.addLast(new double[] {in.readDouble(), in.readDouble()});
            }
            g.overBudget = in.readBoolean();
            g.oscillating = in.readBoolean();
            for (int i = in.readInt(); i > 0; i--) {
                g.updatesAfterLast.add(new double[] {in.readDouble(), in.readDouble()});
            }
            g.dropBefore = in.readLong();
            g.dropAfter = in.readLong();
            g.dropUpdates = in.readInt();
            g.dropAlpha = in.readDouble();
            g.metricRecords = in.readLong();
            g.lossAverage = in.readDouble();
            g.lossLowest = in.readDouble();
            g.gradAverage = in.readDouble();
            g.gradLowest = in.readDouble();
            g.lossDiverged.active = in.readBoolean();
            g.gradDiverged.active = in.readBoolean();
            g.sftNllLowest = in.readDouble();
            g.sftNllLowestStep = in.readLong();
            g.referenceTaskDegraded.active = in.readBoolean();
            g.settledCheckpoint = in.readLong();
            g.metricsStep = in.readLong();
        } catch (IOException e) {
            throw new IllegalArgumentException("guard state is truncated (" + bytes.length + " bytes)", e);
        }
        return g;
    }
}
