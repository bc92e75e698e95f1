package dev.tralign.evaluator.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.PreferencePair;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepProvenanceTest {

    private static PreferencePair pair(Map<String, String> metadata) {
        return PreferencePair.newBuilder().setId("p1").setPrompt("q").setChosen("a").setRejected("b")
                .setSource("online:x").setCreatedAt(Instant.parse("2026-01-01T00:00:00Z")).setMetadata(metadata)
                .build();
    }

    private static Map<String, String> judged(String run, String step) {
        Map<String, String> m = new HashMap<>();
        m.put(OnlinePairs.RUN, run);
        m.put(OnlinePairs.JUDGED_AT_STEP, step);
        return m;
    }

    @Test
    void ownPairsTrainOnlyStepsAfterTheCheckpointThatJudgedThem() {
        PreferencePair at100 = pair(judged("s.online", "100"));
        assertThat(StepProvenance.violation(at100, "s.online", 101)).isEmpty();
        assertThat(StepProvenance.violation(at100, "s.online", 500)).isEmpty();
        assertThat(StepProvenance.violation(at100, "s.online", 100)).get().asString()
                .contains("judged at step 100").contains("would train step 100");
        assertThat(StepProvenance.violation(at100, "s.online", 99)).isPresent();
    }

    @Test
    void pairsOfOtherRunsAndOfflinePairsPass() {
        assertThat(StepProvenance.violation(pair(judged("other.online", "900")), "s.online", 1)).isEmpty();
        assertThat(StepProvenance.violation(pair(Map.of()), "s.online", 1)).isEmpty();
    }

    @Test
    void anOwnPairWithoutAReadableStepIsRefused() {
        assertThat(StepProvenance.violation(pair(judged("s.online", "soon")), "s.online", 10)).get().asString()
                .contains("no readable judged_at_step");
        Map<String, String> noStep = new HashMap<>();
        noStep.put(OnlinePairs.RUN, "s.online");
        assertThat(StepProvenance.violation(pair(noStep), "s.online", 10)).isPresent();
    }
}
