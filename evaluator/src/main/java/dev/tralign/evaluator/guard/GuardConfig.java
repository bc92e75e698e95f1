package dev.tralign.evaluator.guard;

import static dev.tralign.config.ConfigKey.Validator.any;

import dev.tralign.config.ConfigKey;
import dev.tralign.config.ConfigType;
import dev.tralign.config.KeyTable;
import dev.tralign.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thresholds of the failure signatures, validated at start. Keys (for {@link #of}) and defaults:
 *
 * <ul>
 *   <li>{@value #EVAL_PROMPTS} (required): size of the eval prompt set; a checkpoint's signatures are checked once
 *       its win rate counts this many judgments and its KL this many samples, so partial aggregates never alert.
 *   <li>{@value #KL_BUDGET} (default: none): KL to SFT, nats per sequence, above which KL_BUDGET fires.
 *   <li>{@value #OSCILLATION_WINDOW} (6), {@value #OSCILLATION_AMPLITUDE} (1.0 nats),
 *       {@value #OSCILLATION_SIGN_CHANGES} (3): KL_OSCILLATION fires when, within the last window checkpoints, the
 *       KL trend (difference between consecutive checkpoints) changes sign this many times counting only moves of
 *       at least the amplitude.
 *   <li>{@value #DROP_MIN_POINTS} (0): REFERENCE_UPDATE_DROP needs the 95% paired interval of (after - before)
 *       entirely below zero and the mean drop at least this many win-rate points.
 *   <li>{@value #LOSS_RISE} (1.0 nats), {@value #GRAD_NORM_FACTOR} (10), {@value #DIVERGENCE_SPAN} (10 steps),
 *       {@value #DIVERGENCE_WARMUP} (20 steps): after the warm-up, LOSS_DIVERGENCE fires when the loss's
 *       exponential moving average (span steps) exceeds its lowest value by the rise, GRAD_NORM_DIVERGENCE when
 *       the gradient norm's average exceeds its lowest value times the factor; either fires at once on a
 *       non-finite value.
 *   <li>{@value #REFERENCE_TASK_RISE} (1.0 nats per token): REFERENCE_TASK_DEGRADED fires when the policy's NLL on
 *       the trainer's held-out SFT set (eval/sft_nll) exceeds its lowest value so far, the starting model's
 *       included, by this much (1 nat/token is a perplexity e = 2.7 times the best seen). DPO lowers the
 *       likelihood of SFT-like text from its first steps, so a small rise is the method working, not the task
 *       lost: on the demo's world the NLL rose 0.2 by step 40 in every run, 0.8-1.1 at the best judged checkpoints
 *       and 1.3-1.6 once they over-optimized (step 240): at 1.0 it fires at steps 200-220, at 0.1 at step 40.
 * </ul>
 */
public record GuardConfig(int evalPrompts, double klBudget, int oscillationWindow, double oscillationAmplitude,
        int oscillationSignChanges, double dropMinPoints, double lossRise, double gradNormFactor, int divergenceSpan,
        int divergenceWarmup, double referenceTaskRise) {

    public static final String EVAL_PROMPTS = "guard.eval_prompts";
    public static final String KL_BUDGET = "guard.kl_budget";
    public static final String OSCILLATION_WINDOW = "guard.kl_oscillation.window";
    public static final String OSCILLATION_AMPLITUDE = "guard.kl_oscillation.amplitude";
    public static final String OSCILLATION_SIGN_CHANGES = "guard.kl_oscillation.sign_changes";
    public static final String DROP_MIN_POINTS = "guard.reference_drop.min_points";
    public static final String LOSS_RISE = "guard.loss.rise";
    public static final String GRAD_NORM_FACTOR = "guard.grad_norm.factor";
    public static final String DIVERGENCE_SPAN = "guard.divergence.span";
    public static final String DIVERGENCE_WARMUP = "guard.divergence.warmup_steps";
    public static final String REFERENCE_TASK_RISE = "guard.reference_task.rise";

    public GuardConfig {
        require(evalPrompts >= 1, EVAL_PROMPTS, evalPrompts, "at least 1 (the size of the eval prompt set)");
        require(klBudget > 0, KL_BUDGET, klBudget, "a positive number of nats per sequence (or leave it unset)");
        require(oscillationWindow >= 3, OSCILLATION_WINDOW, oscillationWindow, "at least 3 checkpoints");
        require(oscillationAmplitude > 0 && Double.isFinite(oscillationAmplitude), OSCILLATION_AMPLITUDE,
                oscillationAmplitude, "a positive number of nats");
        require(oscillationSignChanges >= 1 && oscillationSignChanges <= oscillationWindow - 2,
                OSCILLATION_SIGN_CHANGES, oscillationSignChanges, "between 1 and window - 2 = "
                        + (oscillationWindow - 2) + " (a window of n checkpoints has n - 2 possible sign changes)");
        require(dropMinPoints >= 0 && Double.isFinite(dropMinPoints), DROP_MIN_POINTS, dropMinPoints,
                "0 or more win-rate points");
        require(lossRise > 0 && Double.isFinite(lossRise), LOSS_RISE, lossRise, "a positive number of nats");
        require(gradNormFactor > 1 && Double.isFinite(gradNormFactor), GRAD_NORM_FACTOR, gradNormFactor,
                "a factor above 1");
        require(divergenceSpan >= 1, DIVERGENCE_SPAN, divergenceSpan, "at least 1 step");
        require(divergenceWarmup >= 0, DIVERGENCE_WARMUP, divergenceWarmup, "0 or more steps");
        require(referenceTaskRise > 0 && Double.isFinite(referenceTaskRise), REFERENCE_TASK_RISE, referenceTaskRise,
                "a positive number of nats per token");
    }

    /** The defaults for an eval set of {@code evalPrompts} prompts, with no KL budget. */
    public static GuardConfig defaults(int evalPrompts) {
        return new GuardConfig(evalPrompts, Double.POSITIVE_INFINITY, 6, 1.0, 3, 0.0, 1.0, 10.0, 10, 20, 1.0);
    }

    /** The same thresholds with a KL budget (nats per sequence). */
    public GuardConfig withKlBudget(double budget) {
        return new GuardConfig(evalPrompts, budget, oscillationWindow, oscillationAmplitude, oscillationSignChanges,
                dropMinPoints, lossRise, gradNormFactor, divergenceSpan, divergenceWarmup, referenceTaskRise);
    }

    /** The same thresholds with another reference-task rise (nats per token). */
    public GuardConfig withReferenceTaskRise(double rise) {
        return new GuardConfig(evalPrompts, klBudget, oscillationWindow, oscillationAmplitude, oscillationSignChanges,
                dropMinPoints, lossRise, gradNormFactor, divergenceSpan, divergenceWarmup, rise);
    }

    /** True when a KL budget is set. */
    public boolean hasKlBudget() {
        return klBudget != Double.POSITIVE_INFINITY;
    }

    /**
     * The guard's keys ({@link KeyTable}, the machinery of every tralign setting): types, defaults and docs. Ranges
     * and the rule between the window and the sign changes are the record's.
     */
    public static final KeyTable TABLE = table();

    private static KeyTable table() {
        GuardConfig d = defaults(1);
        return KeyTable.builder("guard")
                .key(EVAL_PROMPTS, ConfigType.INT, ConfigKey.REQUIRED, any(),
                        "Size of the eval prompt set: a checkpoint is checked once its win rate counts this many "
                                + "judgments.")
                .key(KL_BUDGET, ConfigType.DOUBLE, d.klBudget(), any(),
                        "KL to SFT, nats per sequence, above which KL_BUDGET fires (Infinity = no budget).")
                .key(OSCILLATION_WINDOW, ConfigType.INT, d.oscillationWindow(), any(),
                        "Checkpoints in the KL-oscillation window (at least 3).")
                .key(OSCILLATION_AMPLITUDE, ConfigType.DOUBLE, d.oscillationAmplitude(), any(),
                        "Smallest KL move, in nats, that counts as a sign change.")
                .key(OSCILLATION_SIGN_CHANGES, ConfigType.INT, d.oscillationSignChanges(), any(),
                        "Sign changes of the KL trend within the window that make an oscillation (1 to window - 2).")
                .key(DROP_MIN_POINTS, ConfigType.DOUBLE, d.dropMinPoints(), any(),
                        "Smallest mean win-rate drop, in points, after a reference update that alerts (with a 95% "
                                + "paired interval below zero).")
                .key(LOSS_RISE, ConfigType.DOUBLE, d.lossRise(), any(),
                        "Rise of the training loss's average over its lowest, in nats, that alerts.")
                .key(GRAD_NORM_FACTOR, ConfigType.DOUBLE, d.gradNormFactor(), any(),
                        "Factor of the gradient norm's average over its lowest that alerts (above 1).")
                .key(DIVERGENCE_SPAN, ConfigType.INT, d.divergenceSpan(), any(),
                        "Span, in steps, of the loss and gradient-norm moving averages.")
                .key(DIVERGENCE_WARMUP, ConfigType.INT, d.divergenceWarmup(), any(),
                        "Steps before loss and gradient-norm divergence are watched.")
                .key(REFERENCE_TASK_RISE, ConfigType.DOUBLE, d.referenceTaskRise(), any(),
                        "Rise of the held-out SFT NLL (eval/sft_nll, nats per token) over its lowest that alerts "
                                + "REFERENCE_TASK_DEGRADED.")
                .build();
    }

    /** A config from {@code guard.*} settings (others are ignored); unknown guard keys are refused. */
    public static GuardConfig of(Map<String, String> settings) {
        Map<String, String> guard = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("guard.")) {
                guard.put(k, v);
            }
        });
        Settings s = TABLE.parse(guard);
        return new GuardConfig(s.integer(EVAL_PROMPTS), s.decimal(KL_BUDGET), s.integer(OSCILLATION_WINDOW),
                s.decimal(OSCILLATION_AMPLITUDE), s.integer(OSCILLATION_SIGN_CHANGES), s.decimal(DROP_MIN_POINTS),
                s.decimal(LOSS_RISE), s.decimal(GRAD_NORM_FACTOR), s.integer(DIVERGENCE_SPAN),
                s.integer(DIVERGENCE_WARMUP), s.decimal(REFERENCE_TASK_RISE));
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(key + "=" + value + " is out of range: use " + expected);
        }
    }
}
