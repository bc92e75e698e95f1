package dev.tralign.evaluator.online;

import java.util.regex.Pattern;

/**
 * What the online topology lets through.
 *
 * @param minConfidence a judgment becomes a pair only when |preference - 1.5| is at least this (in [0, 0.5]; ties
 *     are always skipped, so 0 keeps every decided judgment and 0.5 keeps only clear wins, 1 or 2)
 * @param samplingRatio share of eligible (run, step, prompt) keys that become pairs, in (0, 1]; chosen by a hash of
 *     the key, not at random
 * @param runs run ids whose judgments may become pairs (whole-id regex). Judgments of held-out eval prompts must
 *     not become training data, so publish the judged samples of training prompts under their own run ids (e.g.
 *     {@code <run>.online}) and select those here
 */
public record OnlineFeedbackOptions(double minConfidence, double samplingRatio, Pattern runs) {

    /** Option name of {@link #minConfidence()}, as the service's properties spell it. */
    public static final String MIN_CONFIDENCE = "online.min-confidence";
    /** Option name of {@link #samplingRatio()}. */
    public static final String SAMPLING_RATIO = "online.sampling-ratio";
    /** Option name of {@link #runs()}. */
    public static final String RUNS = "online.runs";

    /** Every decided judgment of every run, all of them. */
    public static final OnlineFeedbackOptions DEFAULTS = new OnlineFeedbackOptions(0.0, 1.0);

    /** Judgments of every run id. */
    public OnlineFeedbackOptions(double minConfidence, double samplingRatio) {
        this(minConfidence, samplingRatio, Pattern.compile(".*"));
    }

    /** True when judgments of {@code runId} may become pairs. */
    public boolean selects(String runId) {
        return runs.matcher(runId).matches();
    }

    /** Rejects values outside their ranges, naming the option and the fix. */
    public OnlineFeedbackOptions {
        if (!(minConfidence >= 0 && minConfidence <= 0.5)) {
            throw new IllegalArgumentException(MIN_CONFIDENCE + "=" + minConfidence + " is out of range: give a "
                    + "distance from the tie 1.5 in [0, 0.5], e.g. 0.25 to drop judgments weaker than 1.25/1.75");
        }
        if (!(samplingRatio > 0 && samplingRatio <= 1)) {
            throw new IllegalArgumentException(SAMPLING_RATIO + "=" + samplingRatio + " is out of range: give a "
                    + "share in (0, 1], e.g. 0.25 to keep a quarter of the judged prompts (1 keeps all)");
        }
        if (runs == null) {
            throw new IllegalArgumentException(RUNS + " is missing: give a regex of run ids, e.g. .*\\.online");
        }
    }
}
