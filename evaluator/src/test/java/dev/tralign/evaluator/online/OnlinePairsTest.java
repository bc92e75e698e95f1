package dev.tralign.evaluator.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.PreferencePair;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class OnlinePairsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Judgment judgment(Double preference, String candidate, String baseline) {
        return Judgment.newBuilder().setRunId("tr-dpo").setStep(40).setPromptId("p7").setJudge("gold")
                .setCandidate(candidate).setBaseline(baseline).setPreference(preference)
                .setCandidateScore(3.0).setBaselineScore(1.0).setRatings(Map.of()).setAt(T0).build();
    }

    @Test
    void pairIdFollowsIngestsContentHashRule() {
        // Golden value printed by dev.tralign.ingest.parse.ContentIds.pairId on the same texts.
        assertThat(PairIds.pairId("Write a haiku", "Leaves fall, é, 🍂", "no"))
                .isEqualTo("dd23874124167eca0bce3d2b76dee50a6cbdb7373b038a1170483e65c23bff82");
        assertThat(PairIds.pairId("ab", "c", "d")).isNotEqualTo(PairIds.pairId("a", "bc", "d"));
    }

    @Test
    void candidateIsChosenAbove1Point5AndBaselineBelow() {
        Judgment won = judgment(1.8, "cand", "base");
        PreferencePair pair = OnlinePairs.pair(won, 1.8, "prompt", T0);
        assertThat(pair.getChosen()).isEqualTo("cand");
        assertThat(pair.getRejected()).isEqualTo("base");
        assertThat(pair.getScoreMargin()).isCloseTo(2.0, within(1e-12));
        assertThat(pair.getId()).isEqualTo(PairIds.pairId("prompt", "cand", "base"));
        assertThat(pair.getSource()).isEqualTo("online:tr-dpo");
        assertThat(pair.getAnnotator()).isEqualTo("gold");
        assertThat(pair.getMetadata()).containsExactlyInAnyOrderEntriesOf(Map.of("run", "tr-dpo",
                "judged_at_step", "40", "judge", "gold", "prompt_id", "p7", "preference", "1.8"));

        PreferencePair lost = OnlinePairs.pair(judgment(1.2, "cand", "base"), 1.2, "prompt", T0);
        assertThat(lost.getChosen()).isEqualTo("base");
        assertThat(lost.getRejected()).isEqualTo("cand");
        assertThat(lost.getScoreMargin()).isCloseTo(-2.0, within(1e-12));
    }

    @Test
    void tiesMissingWeakAndSameTextJudgmentsAreNotDecisive() {
        OnlineFeedbackOptions quarter = new OnlineFeedbackOptions(0.25, 1.0);
        assertThat(OnlinePairs.decisive(judgment(1.5, "a", "b"), OnlineFeedbackOptions.DEFAULTS)).isEmpty();
        assertThat(OnlinePairs.decisive(judgment(0.0, "a", "b"), OnlineFeedbackOptions.DEFAULTS)).isEmpty();
        assertThat(OnlinePairs.decisive(judgment(null, "a", "b"), OnlineFeedbackOptions.DEFAULTS)).isEmpty();
        assertThat(OnlinePairs.decisive(judgment(Double.NaN, "a", "b"), OnlineFeedbackOptions.DEFAULTS)).isEmpty();
        assertThat(OnlinePairs.decisive(judgment(2.5, "a", "b"), OnlineFeedbackOptions.DEFAULTS)).isEmpty();
        assertThat(OnlinePairs.decisive(judgment(2.0, "a", "a"), OnlineFeedbackOptions.DEFAULTS)).isEmpty();
        assertThat(OnlinePairs.decisive(judgment(2.0, "a ", " a"), OnlineFeedbackOptions.DEFAULTS)).isEmpty();
        assertThat(OnlinePairs.decisive(judgment(1.7, "a", "b"), quarter)).isEmpty();
        assertThat(OnlinePairs.decisive(judgment(1.75, "a", "b"), quarter)).isEqualTo(OptionalDouble.of(1.75));
        assertThat(OnlinePairs.decisive(judgment(1.0, "a", "b"), quarter)).isEqualTo(OptionalDouble.of(1.0));
        assertThat(OnlinePairs.decisive(judgment(1.51, "a", "b"), OnlineFeedbackOptions.DEFAULTS))
                .isEqualTo(OptionalDouble.of(1.51));
    }

    @Test
    void samplingKeepsAboutTheRatioAndTheSameKeysEveryTime() {
        int kept = 0;
        for (int i = 0; i < 20_000; i++) {
            boolean keep = SamplingGate.keep("run/3/p" + i, 0.3);
            assertThat(SamplingGate.keep("run/3/p" + i, 0.3)).isEqualTo(keep);
            if (keep) {
                kept++;
                assertThat(SamplingGate.keep("run/3/p" + i, 0.6)).as("a larger ratio keeps a superset").isTrue();
            }
        }
        // Binomial(20000, 0.3): sd ~65, so +-400 is over 6 sd.
        assertThat(kept).isBetween(5_600, 6_400);
        assertThat(SamplingGate.keep("anything", 1.0)).isTrue();
    }

    @Test
    void optionsOutOfRangeNameTheOption() {
        assertThatThrownBy(() -> new OnlineFeedbackOptions(0.6, 1.0))
                .hasMessageContaining("online.min-confidence=0.6").hasMessageContaining("[0, 0.5]");
        assertThatThrownBy(() -> new OnlineFeedbackOptions(0.0, 0.0))
                .hasMessageContaining("online.sampling-ratio=0.0").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new OnlineFeedbackOptions(Double.NaN, 1.0))
                .hasMessageContaining("online.min-confidence");
    }
}
