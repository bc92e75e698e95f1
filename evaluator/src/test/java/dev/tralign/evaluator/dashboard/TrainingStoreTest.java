package dev.tralign.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.schemas.avro.TrainMetrics;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingStoreTest {

    private static TrainMetrics at(String run, long step, double loss, Map<String, Double> named) {
        return TrainMetrics.newBuilder().setRunId(run).setStep(step).setLoss(loss).setLearningRate(1e-3)
                .setGradNorm(1.0).setTokensPerSecond(10).setMetrics(named).setAt(Instant.EPOCH).build();
    }

    @Test
    void aRepublishedStepReplacesTheEarlierOneAndNonFiniteValuesAreLeftOut() throws Exception {
        TrainingStore store = new TrainingStore();
        store.put(at("r", 2, 0.5, Map.of("rewards/margins", 0.2)));
        store.put(at("r", 1, 0.7, Map.of("rewards/margins", 0.1, "grad_norm", Double.NaN)));
        store.put(at("r", 2, 0.4, Map.of("rewards/margins", 0.3)));
        JsonNode json = new ObjectMapper().readTree(store.json());
        JsonNode points = json.get("r");
        assertThat(points).hasSize(2);
        assertThat(points.get(0).get("step").asLong()).isEqualTo(1);
        assertThat(points.get(0).get("metrics").has("grad_norm")).isFalse();
        assertThat(points.get(1).get("metrics").get("loss").asDouble()).isEqualTo(0.4);
        assertThat(points.get(1).get("metrics").get("rewards/margins").asDouble()).isEqualTo(0.3);
    }

    @Test
    void aLongRunIsThinnedKeepingItsLastStep() throws Exception {
        TrainingStore store = new TrainingStore();
        int steps = TrainingStore.MAX_POINTS * 3 + 1;
        for (long s = 1; s <= steps; s++) {
            store.put(at("long", s, 1.0 / s, Map.of()));
        }
        JsonNode points = new ObjectMapper().readTree(store.json()).get("long");
        assertThat(points.size()).isLessThanOrEqualTo(TrainingStore.MAX_POINTS + 1).isGreaterThan(1000);
        assertThat(points.get(0).get("step").asLong()).isEqualTo(1);
        assertThat(points.get(points.size() - 1).get("step").asLong()).isEqualTo(steps);
    }
}
