package dev.tralign.app.world;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Simulated labelling teams. Pairs are two completions of the true generator for one prompt (the SFT model is trained
 * to imitate that generator, so these stand in for "pairs of SFT samples"), labelled by Bradley-Terry on the gold
 * reward: P(y1 preferred) = sigmoid((r1 - r2) / T). With T = 0 the better one always wins and ties are dropped (the
 * regime where DPO ignores beta). Thumbs up/down come from P(desirable) = sigmoid((r - r0) / max(T, 0.1)) with r0 the
 * median reward of generator samples.
 */
public final class SimulatedAnnotators {

    private final Language language;
    private final GoldReward reward;
    private final double temperature;
    private final double thumbsThreshold;

    public SimulatedAnnotators(Language language, GoldReward reward, double thumbsThreshold) {
        this.language = language;
        this.reward = reward;
        this.temperature = language.config().annotatorTemperature();
        this.thumbsThreshold = thumbsThreshold;
    }

    /** One labelled pair, or empty when a deterministic annotator sees a tie or both completions are identical. */
    public Optional<LabelledPair> labelPair(String prompt, SplittableRandom random) {
        String first = language.sampleCompletion(prompt, random);
        String second = language.sampleCompletion(prompt, random);
        if (first.equals(second)) {
            return Optional.empty();
        }
        double r1 = reward.reward(prompt, first);
        double r2 = reward.reward(prompt, second);
        boolean firstWins;
        if (temperature == 0) {
            if (r1 == r2) {
                return Optional.empty();
            }
            firstWins = r1 > r2;
        } else {
            firstWins = random.nextDouble() < sigmoid((r1 - r2) / temperature);
        }
        return Optional.of(firstWins
                ? new LabelledPair(prompt, first, second, r1 - r2)
                : new LabelledPair(prompt, second, first, r2 - r1));
    }

    /** One thumbs-up/down verdict on a generator sample. */
    public Thumbs thumbs(String prompt, SplittableRandom random) {
        String completion = language.sampleCompletion(prompt, random);
        double r = reward.reward(prompt, completion);
        boolean desirable = random.nextDouble() < sigmoid((r - thumbsThreshold) / Math.max(temperature, 0.1));
        return new Thumbs(prompt, completion, desirable);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** A preference: chosen beat rejected; goldMargin = r*(chosen) - r*(rejected) (may be negative when noisy). */
    public record LabelledPair(String prompt, String chosen, String rejected, double goldMargin) {
    }

    /** A thumbs up (desirable) or down on one completion. */
    public record Thumbs(String prompt, String completion, boolean desirable) {
    }
}
