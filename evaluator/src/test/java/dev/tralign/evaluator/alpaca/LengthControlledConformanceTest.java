package dev.tralign.evaluator.alpaca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.tralign.evaluator.winrate.LengthControlledWinRate;
import org.junit.jupiter.api.Test;

/**
 * The length-controlled win rate against alpaca_eval's own code: lc_minimal_expected.json (shared data, AlpacaEval
 * 2's alpaca-7b, 19.549) and the figures its code gives for every annotation file in the shared data (test
 * resource lc_minimal_derived.json, which says how they were made). The issue asks for agreement within 0.5
 * points. We solve the same problem exactly; alpaca_eval's liblinear stops at tol 1e-4, which moves its answer by
 * up to 0.06 points (AlpacaEval 2 file), so we assert 0.1 to alpaca_eval's figure and 1e-4 to the exact optimum
 * (its code with tol 1e-12).
 */
class LengthControlledConformanceTest {

    private static final double TO_ALPACA_EVAL = 0.1;
    private static final double TO_EXACT_OPTIMUM = 1e-4;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Path dataDir() {
        Path path = Path.of(System.getProperty("tralign.alpaca.dir", "../../shared/data/alpaca_eval"));
        assertThat(path.resolve("lc_minimal_expected.json"))
                .as("AlpacaEval data; set -Dtralign.alpaca.dir to the folder with lc_minimal_expected.json")
                .exists();
        return path;
    }

    private static Map<String, JsonNode> derivedRows() throws IOException {
        JsonNode derived;
        try (InputStream in = LengthControlledConformanceTest.class.getResourceAsStream("lc_minimal_derived.json")) {
            assertThat(in).as("test resource lc_minimal_derived.json").isNotNull();
            derived = MAPPER.readTree(in);
        }
        Map<String, JsonNode> rows = new TreeMap<>();
        derived.get("rows").fields().forEachRemaining(e -> rows.put(e.getKey(), e.getValue()));
        return rows;
    }

    @Test
    void alpacaEval2AlpacaSevenBMatchesAlpacaEvalsOwnCode() throws IOException {
        Path dir = dataDir();
        JsonNode expected = MAPPER.readTree(dir.resolve("lc_minimal_expected.json").toFile());
        JsonNode metrics = expected.get("metrics");

        List<CandidateRow> rows = AlpacaImport.rowsFromFiles(List.of(dir.resolve(expected.get("file").asText())));

        assertThat(rows).hasSize(1);
        CandidateRow row = rows.get(0);
        assertThat(row.stats().winRate()).isCloseTo(metrics.get("win_rate").doubleValue(), within(1e-9));
        assertThat(row.lengthControlled().winRate())
                .isCloseTo(metrics.get("length_controlled_winrate").doubleValue(), within(TO_ALPACA_EVAL));
        // alpaca_eval prints ~1e-14 here: every prediction at delta = 0 is the same number.
        assertThat(row.lengthControlled().standardError())
                .isCloseTo(metrics.get("lc_standard_error").doubleValue(), within(1e-9));
        // The judge prefers longer outputs, so the length weight is negative and LC far above the raw 2.6.
        assertThat(row.lengthControlled().lengthWeight()).isNegative();
    }

    @Test
    void everySharedFileMatchesAlpacaEvalsOwnCodeAndDiffersFromTheLeaderboardAsDocumented() throws IOException {
        Path dir = dataDir();
        Map<String, JsonNode> derived = derivedRows();
        assertThat(derived).hasSize(3);

        for (Map.Entry<String, JsonNode> entry : derived.entrySet()) {
            JsonNode want = entry.getValue();
            String what = entry.getKey() + " ";
            List<CandidateRow> rows = AlpacaImport.rowsFromFiles(List.of(dir.resolve(want.get("file").asText())));
            assertThat(rows).extracting(CandidateRow::candidate).containsExactly(want.get("candidate").asText());
            LengthControlledWinRate lc = rows.get(0).lengthControlled();
            assertThat(lc.winRate()).as(what + "LC vs alpaca_eval")
                    .isCloseTo(want.get("length_controlled_winrate").doubleValue(), within(TO_ALPACA_EVAL));
            assertThat(lc.winRate()).as(what + "LC vs the exact optimum")
                    .isCloseTo(want.get("exact_optimum").doubleValue(), within(TO_EXACT_OPTIMUM));
            assertThat(lc.c()).as(what + "chosen C").isCloseTo(want.get("C").doubleValue(), within(1e-9));
            assertThat(lc.lengthWeight()).as(what + "length weight")
                    .isCloseTo(want.get("length_weight").doubleValue(), within(1e-5));
        }
        // docs/evaluator.md quotes the gaps to the published (instruction-difficulty) LC.
        assertThat(gap(dir, derived.get("alpaca-7b AlpacaEval 1"))).isCloseTo(0.52, within(0.01));
        assertThat(gap(dir, derived.get("zephyr-7b-beta AlpacaEval 1"))).isCloseTo(1.90, within(0.01));
        assertThat(gap(dir, derived.get("alpaca-7b AlpacaEval 2"))).isCloseTo(-13.74, within(0.01));
    }

    /** Published LC minus ours. */
    private static double gap(Path dir, JsonNode row) {
        List<CandidateRow> rows = AlpacaImport.rowsFromFiles(List.of(dir.resolve(row.get("file").asText())));
        return row.get("leaderboard").doubleValue() - rows.get(0).lengthControlled().winRate();
    }

    @Test
    void importAlpacaPrintsTheLengthControlledKeys() throws IOException {
        Path dir = dataDir();
        JsonNode expected = MAPPER.readTree(dir.resolve("lc_minimal_expected.json").toFile());
        List<String> lines = AlpacaImport.importAlpacaJsonLines(List.of(dir.resolve(expected.get("file").asText())));

        assertThat(lines).hasSize(1);
        JsonNode json = MAPPER.readTree(lines.get(0));
        assertThat(json.get("length_controlled_winrate").doubleValue()).isCloseTo(
                expected.get("metrics").get("length_controlled_winrate").doubleValue(), within(TO_ALPACA_EVAL));
        assertThat(json.get("lc_standard_error").doubleValue()).isCloseTo(0.0, within(1e-9));
        assertThat(json.get("win_rate").doubleValue())
                .isCloseTo(expected.get("metrics").get("win_rate").doubleValue(), within(1e-9));
        assertThat(json.get("n_total").longValue()).isEqualTo(expected.get("metrics").get("n_total").longValue());
    }
}
