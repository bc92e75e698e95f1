package dev.tralign.app.world;

/**
 * The knobs of the synthetic world (../shared/DESIGN.md section 7). Defaults give the demo's world: a language of 24
 * letters with about 1.5-2 nats of entropy per token, short prompts, and a sweet-spot gold reward that a policy can
 * over-shoot.
 *
 * @param seed               seeds the language, the prompts, the reward's targets and the annotators
 * @param vocabularySize     letters in the language (taken from the start of {@link Language#LETTERS})
 * @param successorsPerToken how many letters may follow each letter (the rest are "almost never" transitions)
 * @param promptLength       letters per prompt
 * @param maxCompletionLength a completion stops here if the end token has not come first
 * @param endProbability     chance of ending after each completion letter (mean length about 1/p)
 * @param targetsPerPrompt   how many letters the gold reward counts for a prompt
 * @param sharedTargets      how many of those are the same for every prompt
 * @param sweetSpot          k: counting more than k target letters is penalised quadratically
 * @param fluencyWeight      weight of the mean per-letter log-likelihood under the true generator in the gold reward
 * @param annotatorTemperature Bradley-Terry temperature T of the simulated annotators (0 = deterministic argmax)
 */
public record WorldConfig(
        long seed,
        int vocabularySize,
        int successorsPerToken,
        int promptLength,
        int maxCompletionLength,
        double endProbability,
        int targetsPerPrompt,
        int sharedTargets,
        int sweetSpot,
        double fluencyWeight,
        double annotatorTemperature) {

    public WorldConfig {
        require(vocabularySize >= 8 && vocabularySize <= Language.LETTERS.length(), "vocabularySize",
                "between 8 and " + Language.LETTERS.length());
        require(successorsPerToken >= 2 && successorsPerToken <= vocabularySize, "successorsPerToken",
                "between 2 and vocabularySize");
        require(promptLength >= 1, "promptLength", "at least 1");
        require(maxCompletionLength >= 2, "maxCompletionLength", "at least 2");
        require(endProbability > 0 && endProbability < 1, "endProbability", "in (0, 1)");
        require(targetsPerPrompt >= 1 && targetsPerPrompt < vocabularySize, "targetsPerPrompt",
                "between 1 and vocabularySize - 1");
        require(sharedTargets >= 0 && sharedTargets <= targetsPerPrompt, "sharedTargets",
                "between 0 and targetsPerPrompt");
        require(sweetSpot >= 1, "sweetSpot", "at least 1");
        require(fluencyWeight >= 0, "fluencyWeight", "non-negative");
        require(annotatorTemperature >= 0, "annotatorTemperature", "non-negative (0 = deterministic)");
    }

    /** The demo's default world. */
    public static WorldConfig defaults(long seed) {
        return new WorldConfig(seed, 24, 5, 4, 20, 0.08, 3, 2, 3, 0.5, 0.5);
    }

    /** A copy with another mean completion length (1/p) and sweet spot. */
    public WorldConfig withShape(double newEndProbability, int newSweetSpot) {
        return new WorldConfig(seed, vocabularySize, successorsPerToken, promptLength, maxCompletionLength,
                newEndProbability, targetsPerPrompt, sharedTargets, newSweetSpot, fluencyWeight, annotatorTemperature);
    }

    public WorldConfig withSharedTargets(int shared) {
        return new WorldConfig(seed, vocabularySize, successorsPerToken, promptLength, maxCompletionLength,
                endProbability, targetsPerPrompt, shared, sweetSpot, fluencyWeight, annotatorTemperature);
    }

    public WorldConfig withAnnotatorTemperature(double temperature) {
        return new WorldConfig(seed, vocabularySize, successorsPerToken, promptLength, maxCompletionLength,
                endProbability, targetsPerPrompt, sharedTargets, sweetSpot, fluencyWeight, temperature);
    }

    private static void require(boolean ok, String option, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("world option '" + option + "' must be " + expected);
        }
    }
}
