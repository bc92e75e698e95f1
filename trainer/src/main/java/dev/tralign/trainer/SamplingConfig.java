package dev.tralign.trainer;

/**
 * How {@link Policy#sample} draws tokens.
 *
 * @param temperature softmax temperature; 0 = greedy (argmax)
 * @param topK keep only the k most likely tokens; 0 = off
 * @param topP keep the smallest set of most likely tokens whose probability reaches p; 1 = off
 * @param maxNewTokens upper bound on generated tokens per prompt
 * @param eosId generation of a row stops after this token (included in the output); negative = never stop early
 */
public record SamplingConfig(double temperature, int topK, double topP, int maxNewTokens, int eosId) {

    public SamplingConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = off), got " + topP);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
    }

    /** Plain ancestral sampling at temperature 1 (what the KL estimate needs). */
    public static SamplingConfig unbiased(int maxNewTokens, int eosId) {
        return new SamplingConfig(1.0, 0, 1.0, maxNewTokens, eosId);
    }

    /** Greedy decoding. */
    public static SamplingConfig greedy(int maxNewTokens, int eosId) {
        return new SamplingConfig(0.0, 0, 1.0, maxNewTokens, eosId);
    }
}
