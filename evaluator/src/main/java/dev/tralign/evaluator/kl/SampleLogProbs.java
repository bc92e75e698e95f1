package dev.tralign.evaluator.kl;

/**
 * One completion sampled from the checkpoint (temperature 1), with its summed log-probabilities.
 *
 * @param logProbPolicy sum over completion tokens of log pi_theta(y_t | x, y_&lt;t)
 * @param logProbSft the same sum under the SFT model
 * @param tokens number of completion tokens
 */
public record SampleLogProbs(double logProbPolicy, double logProbSft, int tokens) {

    /** Checks the values are usable. */
    public SampleLogProbs {
        if (!Double.isFinite(logProbPolicy) || !Double.isFinite(logProbSft)) {
            throw new IllegalArgumentException("log-probs must be finite, got policy=" + logProbPolicy + " sft="
                    + logProbSft);
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
        }
    }

    /** The single-sample KL estimate log pi_theta(y|x) - log pi_SFT(y|x). */
    public double logRatio() {
        return logProbPolicy - logProbSft;
    }
}
