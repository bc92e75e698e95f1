package dev.tralign.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.schemas.avro.WinRate;
import org.junit.jupiter.api.Test;

class WinRateStoreTest {

    @Test
    void keepsTheLatestRecordPerStepSortedByStep() {
        WinRateStore store = new WinRateStore();
        store.put(TestWinRates.of("b", 20, 40.0, null));
        store.put(TestWinRates.of("b", 10, 30.0, null));
        store.put(TestWinRates.of("a", 5, 50.0, 1.0));
        store.put(TestWinRates.of("b", 20, 45.0, 2.0));

        assertThat(store.runIds()).containsExactly("a", "b");
        assertThat(store.series("b").orElseThrow()).extracting(WinRate::getStep).containsExactly(10L, 20L);
        assertThat(store.series("b").orElseThrow().get(1).getWinRate()).isEqualTo(45.0);
        assertThat(store.series("nope")).isEmpty();
        assertThat(store.all()).hasSize(3);
    }

    @Test
    void jsonHasNullForUndefinedNumbers() throws Exception {
        WinRateStore store = new WinRateStore();
        store.put(TestWinRates.of("run", 10, 62.5, 3.25));

        JsonNode runs = new ObjectMapper().readTree(WinRateJson.runs(store));
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("runId").asText()).isEqualTo("run");
        assertThat(runs.get(0).get("latestWinRate").asDouble()).isEqualTo(62.5);
        assertThat(runs.get(0).get("latestKlToSft").asDouble()).isEqualTo(3.25);

        JsonNode series = new ObjectMapper().readTree(WinRateJson.series(store.series("run").orElseThrow()));
        assertThat(series.get(0).get("standardError").isNull()).as("NaN is not JSON").isTrue();
        assertThat(series.get(0).get("klToSftPerToken").isNull()).isTrue();
        assertThat(series.get(0).get("at").asText()).isEqualTo("2026-01-01T00:00:00Z");
    }
}
