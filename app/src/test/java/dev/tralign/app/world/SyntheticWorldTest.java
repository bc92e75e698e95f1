package dev.tralign.app.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticWorldTest {

    private final SyntheticWorld world = new SyntheticWorld(WorldConfig.defaults(7));

    @Test
    void languageHasModerateEntropy() {
        // DESIGN.md section 7 asks for about 1.5-2 nats per token: fluent but not deterministic.
        assertThat(world.language().meanTransitionEntropy()).isBetween(1.2, 2.2);
    }

    @Test
    void sameSeedGivesSameWorldAndOtherSeedsDiffer() {
        SyntheticWorld again = new SyntheticWorld(WorldConfig.defaults(7));
        SyntheticWorld other = new SyntheticWorld(WorldConfig.defaults(8));
        assertThat(again.sftSamples(50)).usingRecursiveComparison().isEqualTo(world.sftSamples(50));
        assertThat(other.sftSamples(50)).usingRecursiveComparison().isNotEqualTo(world.sftSamples(50));
    }

    @Test
    void generatorRarelyExceedsTheSweetSpotSoOverShootingIsPossible() {
        List<String[]> samples = world.sftSamples(4_000);
        int k = world.config().sweetSpot();
        long over = samples.stream().filter(s -> world.goldReward().targetCount(s[0], s[1]) > k).count();
        double meanTargets = samples.stream().mapToInt(s -> world.goldReward().targetCount(s[0], s[1])).average()
                .orElseThrow();
        assertThat(meanTargets).isBetween(0.5, (double) k);
        assertThat(over / 4_000.0).isLessThan(0.2);
    }

    @Test
    void rewardRisesUpToTheSweetSpotThenFalls() {
        WorldConfig countOnly = new WorldConfig(7, 24, 5, 4, 20, 0.08, 3, 2, 3, 0.0, 0.5);
        SyntheticWorld plain = new SyntheticWorld(countOnly);
        String prompt = plain.evalPrompts(1).get(0);
        String targets = plain.goldReward().targetsOf(prompt);
        char target = targets.charAt(0);
        char filler = (char) plain.alphabet().chars().filter(c -> targets.indexOf(c) < 0).findFirst().orElseThrow();
        int k = countOnly.sweetSpot();
        double[] byCount = new double[k + 4];
        for (int n = 0; n < byCount.length; n++) {
            byCount[n] = plain.goldReward().reward(prompt, filler + String.valueOf(target).repeat(n));
            double over = Math.max(0, n - k);
            assertThat(byCount[n]).isEqualTo(n - 0.5 * over * over);
        }
        for (int n = 1; n <= k; n++) {
            assertThat(byCount[n]).isGreaterThan(byCount[n - 1]);
        }
        assertThat(byCount[k + 3]).isLessThan(byCount[k]);
    }

    @Test
    void preferencesAgreeWithTheGoldRewardMoreOftenThanNot() {
        List<SimulatedAnnotators.LabelledPair> pairs = world.preferencePairs(1_000);
        long agree = pairs.stream().filter(p -> p.goldMargin() > 0).count();
        assertThat(agree / 1_000.0).isGreaterThan(0.6);
        assertThat(pairs).allSatisfy(p -> assertThat(p.chosen()).isNotEqualTo(p.rejected()));
    }

    @Test
    void deterministicAnnotatorsAlwaysPickTheBetterCompletion() {
        SyntheticWorld strict = new SyntheticWorld(WorldConfig.defaults(7).withAnnotatorTemperature(0));
        assertThat(strict.preferencePairs(300)).allSatisfy(p -> assertThat(p.goldMargin()).isPositive());
    }

    @Test
    void lettersOutsideTheAlphabetAreRejectedWithTheirPosition() {
        assertThatThrownBy(() -> world.goldReward().reward("abca", "ab#"))
                .hasMessageContaining("'#'").hasMessageContaining("position 2");
    }

    @Test
    void invalidConfigNamesTheOption() {
        assertThatThrownBy(() -> new WorldConfig(1, 3, 2, 4, 20, 0.1, 1, 0, 3, 0.5, 1))
                .hasMessageContaining("vocabularySize");
    }

    @Test
    void completionsStayWithinTheConfiguredLength() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            String prompt = world.language().samplePrompt(random);
            assertThat(world.language().sampleCompletion(prompt, random))
                    .hasSizeBetween(1, world.config().maxCompletionLength());
        }
    }
}
