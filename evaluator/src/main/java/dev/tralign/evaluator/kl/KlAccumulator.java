package dev.tralign.evaluator.kl;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Monte-Carlo estimate of KL(pi_theta || pi_SFT) from samples y ~ pi_theta(.|x) at temperature 1:
 *
 * <pre>
 * KL per sequence = mean over samples of sum_t [log pi_theta(y_t|.) - log pi_SFT(y_t|.)]
 * KL per token    = (sum over samples of the same sums) / (sum over samples of their lengths)
 *                 = KL per sequence / mean completion length
 * </pre>
 *
 * The per-sample estimate is unbiased but can be negative; the mean over enough samples is not. Immutable, with
 * add and subtract so a streaming aggregate can replace a sample.
 *
 * @param samples number of samples
 * @param sumLogRatio sum of log pi_theta(y) - log pi_SFT(y)
 * @param tokens total completion tokens
 */
public record KlAccumulator(long samples, double sumLogRatio, long tokens) {

    /** No samples. */
    public static final KlAccumulator EMPTY = new KlAccumulator(0, 0.0, 0);

    /** The estimate over a list of samples. */
    public static KlAccumulator of(List<SampleLogProbs> samples) {
        KlAccumulator accumulator = EMPTY;
        for (SampleLogProbs sample : samples) {
            accumulator = accumulator.add(sample);
        }
        return accumulator;
    }

    /** Adds a sample. */
    public KlAccumulator add(SampleLogProbs sample) {
        return new KlAccumulator(samples + 1, sumLogRatio + sample.logRatio(), tokens + sample.tokens());
    }

    /** Retracts a sample previously added. */
    public KlAccumulator subtract(SampleLogProbs sample) {
        return new KlAccumulator(samples - 1, sumLogRatio - sample.logRatio(), tokens - sample.tokens());
    }

    /** KL per sequence in nats, empty without samples. */
    public OptionalDouble perSequence() {
        return samples > 0 ? OptionalDouble.of(sumLogRatio / samples) : OptionalDouble.empty();
    }

    /** KL per token in nats, empty without tokens. */
    public OptionalDouble perToken() {
        return tokens > 0 ? OptionalDouble.of(sumLogRatio / tokens) : OptionalDouble.empty();
    }
}
