package dev.tralign.evaluator.guard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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
 * </ul>
 */
public record GuardConfig(int evalPrompts, double klBudget, int oscillationWindow, double oscillationAmplitude,
        int oscillationSignChanges, double dropMinPoints, double lossRise, double gradNormFactor, int divergenceSpan,
        int divergenceWarmup) {

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

    private static final Set<String> KEYS = Set.of(EVAL_PROMPTS, KL_BUDGET, OSCILLATION_WINDOW,
            OSCILLATION_AMPLITUDE, OSCILLATION_SIGN_CHANGES, DROP_MIN_POINTS, LOSS_RISE, GRAD_NORM_FACTOR,
            DIVERGENCE_SPAN, DIVERGENCE_WARMUP);

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
    }

    /** The defaults for an eval set of {@code evalPrompts} prompts, with no KL budget. */
    public static GuardConfig defaults(int evalPrompts) {
        return new GuardConfig(evalPrompts, Double.POSITIVE_INFINITY, 6, 1.0, 3, 0.0, 1.0, 10.0, 10, 20);
    }

    /** The same thresholds with a KL budget (nats per sequence). */
    public GuardConfig withKlBudget(double budget) {
        return new GuardConfig(evalPrompts, budget, oscillationWindow, oscillationAmplitude, oscillationSignChanges,
                dropMinPoints, lossRise, gradNormFactor, divergenceSpan, divergenceWarmup);
    }

    /** True when a KL budget is set. */
    public boolean hasKlBudget() {
        return klBudget != Double.POSITIVE_INFINITY;
    }

    /** A config from {@code guard.*} settings (others are ignored); unknown guard keys are refused. */
    public static GuardConfig of(Map<String, String> settings) {
        Map<String, String> guard = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("guard.")) {
                if (!KEYS.contains(k)) {
                    throw new IllegalArgumentException("unknown guard setting '" + k + "': the guard reads "
                            + new java.util.TreeSet<>(KEYS));
                }
                guard.put(k, v.trim());
            }
        });
        if (!guard.containsKey(EVAL_PROMPTS)) {
            throw new IllegalArgumentException(EVAL_PROMPTS + " is required: set it to the number of eval prompts "
                    + "judged per checkpoint");
        }
        GuardConfig d = defaults(integer(guard, EVAL_PROMPTS, 0));
        return new GuardConfig(d.evalPrompts(), number(guard, KL_BUDGET, d.klBudget()),
                integer(guard, OSCILLATION_WINDOW, d.oscillationWindow()),
                number(guard, OSCILLATION_AMPLITUDE, d.oscillationAmplitude()),
                integer(guard, OSCILLATION_SIGN_CHANGES, d.oscillationSignChanges()),
                number(guard, DROP_MIN_POINTS, d.dropMinPoints()), number(guard, LOSS_RISE, d.lossRise()),
                number(guard, GRAD_NORM_FACTOR, d.gradNormFactor()), integer(guard, DIVERGENCE_SPAN,
                        d.divergenceSpan()), integer(guard, DIVERGENCE_WARMUP, d.divergenceWarmup()));
    }

    private static double number(Map<String, String> settings, String key, double fallback) {
        String value = settings.get(key);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a number");
        }
    }

    private static int integer(Map<String, String> settings, String key, int fallback) {
        String value = settings.get(key);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a whole number");
        }
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(key + "=" + value + " is out of range: use " + expected);
        }
    }
}
