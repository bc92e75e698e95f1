package dev.tralign.evaluator.winrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LengthControlledWinRateTest {

    @Test
    void aJudgeThatOnlyRewardsLengthIsCorrectedBackToEven() {
        // Judge: P(candidate wins) = sigmoid(-2 x), x = tanh(delta / s), delta = baseline - candidate length; equal
        // lengths are an even match. The candidate is longer on 75% of prompts, so its raw win rate is high.
        Random random = new Random(11);
        List<LengthJudgment> judgments = new ArrayList<>();
        double[] lengths = new double[2000];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = (random.nextDouble() < 0.75 ? 1 : -1) * (50 + 200 * random.nextDouble());
        }
        double s = Math.sqrt(sampleVariance(lengths));
        for (double longer : lengths) {
            double p = 1 / (1 + Math.exp(2 * Math.tanh(-longer / s)));
            double preference = random.nextDouble() < p ? Preferences.CANDIDATE_WINS : Preferences.BASELINE_WINS;
            judgments.add(new LengthJudgment(500 + (long) longer, 500, preference));
        }
        WinRateStats raw = WinRateStats.ofPreferences(judgments.stream().mapToDouble(LengthJudgment::preference)
                .toArray());

        LengthControlledWinRate lc = LengthControlledWinRate.of(judgments);

        assertThat(raw.winRate()).isGreaterThan(65);
        assertThat(lc.winRate()).isCloseTo(50, within(4.0));
        assertThat(lc.lengthWeight()).isCloseTo(-2, within(0.4));
        assertThat(lc.standardError()).isZero();
        assertThat(lc.nJudged()).isEqualTo(2000);
    }

    @Test
    void withoutLengthDifferencesItIsTheWinRateUpToThePenalty() {
        List<LengthJudgment> judgments = new ArrayList<>();
        double[] preferences = {2, 2, 1, 1.5, 2, 2, 1, 2, 1.8, 2};
        for (int repeat = 0; repeat < 20; repeat++) {
            for (double p : preferences) {
                judgments.add(new LengthJudgment(100, 100, p));
            }
        }
        LengthControlledWinRate lc = LengthControlledWinRate.of(judgments);
        // delta = 0 everywhere: x = 0, only the constant's weight is fitted and sigmoid(w) = mean y - 1/(C n).
        double meanY = WinRateStats.ofPreferences(preferences).winRate() / 100;
        assertThat(lc.lengthWeight()).isZero();
        assertThat(lc.winRate()).isCloseTo((meanY - 1 / (lc.c() * judgments.size())) * 100, within(1e-8));
    }

    @Test
    void missingJudgmentsWidenTheLengthScaleButAreNotFitted() {
        List<LengthJudgment> judged = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 50; i++) {
            judged.add(new LengthJudgment(100 + random.nextInt(100), 150, random.nextBoolean() ? 2.0 : 1.0));
        }
        List<LengthJudgment> withMissing = new ArrayList<>(judged);
        withMissing.add(new LengthJudgment(5000, 150, Double.NaN));

        double[] x = LengthControlledWinRate.standardisedLengthDifferences(judged);
        double[] xWithMissing = LengthControlledWinRate.standardisedLengthDifferences(withMissing);

        assertThat(Math.abs(xWithMissing[0])).isLessThan(Math.abs(x[0]));
        assertThat(LengthControlledWinRate.of(withMissing).nJudged()).isEqualTo(50);
    }

    @Test
    void fewerThanFiveJudgmentsAreUndefined() {
        List<LengthJudgment> four = List.of(new LengthJudgment(1, 2, 2), new LengthJudgment(3, 2, 1),
                new LengthJudgment(5, 2, 2), new LengthJudgment(2, 2, 1.5), new LengthJudgment(9, 2, Double.NaN));
        LengthControlledWinRate lc = LengthControlledWinRate.of(four);
        assertThat(lc.winRate()).isNaN();
        assertThat(lc.standardError()).isNaN();
        assertThat(lc.nJudged()).isEqualTo(4);
    }

    @Test
    void foldsFollowGroupKFoldOnEqualGroups() {
        // Checked against scikit-learn 1.9.1's GroupKFold(5) for n = 7, 12 and 805 (docs/evaluator.md).
        int[] folds = new int[7];
        for (int i = 0; i < folds.length; i++) {
            folds[i] = LengthControlledWinRate.foldOf(i, folds.length);
        }
        assertThat(folds).containsExactly(1, 0, 4, 3, 2, 1, 0);
    }

    @Test
    void lengthsAreCodePointsAndPreferencesAreChecked() {
        LengthJudgment j = LengthJudgment.of("\uD83D\uDE00 ok", "abcd", 2.0);
        assertThat(j.candidateLength()).isEqualTo(4);
        assertThat(j.baselineLength()).isEqualTo(4);
        assertThatThrownBy(() -> new LengthJudgment(1, 1, 0.0)).hasMessageContaining("normalised to [1,2]");
        assertThatThrownBy(() -> new LengthJudgment(-1, 1, 1.0)).hasMessageContaining("lengths must be >= 0");
    }

    private static double sampleVariance(double[] v) {
        double mean = 0;
        for (double e : v) {
            mean += e / v.length;
        }
        double sum = 0;
        for (double e : v) {
            sum += (e - mean) * (e - mean);
        }
        return sum / (v.length - 1);
    }
}
