package dev.tralign.evaluator.alpaca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Recomputes AlpacaEval leaderboard rows from annotation files, one row per candidate (generator_2), in the
 * order candidates first appear. Entry point of {@code tralign evaluate import-alpaca FILE...}.
 */
public final class AlpacaImport {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlpacaImport() {
    }

    /** Rows for the annotations, grouped by candidate. */
    public static List<CandidateRow> rows(List<AlpacaAnnotation> annotations) {
        Map<String, WinRateAccumulator> byCandidate = new LinkedHashMap<>();
        for (AlpacaAnnotation annotation : annotations) {
            WinRateAccumulator accumulator =
                    byCandidate.getOrDefault(annotation.generator2(), WinRateAccumulator.EMPTY);
            OptionalDouble preference = annotation.normalisedPreference();
            if (preference.isPresent()) {
                accumulator = accumulator.add(preference.getAsDouble());
            }
            // A candidate whose judgments are all missing still gets its (empty) row.
            byCandidate.put(annotation.generator2(), accumulator);
        }
        List<CandidateRow> rows = new ArrayList<>();
        byCandidate.forEach((candidate, accumulator) -> rows.add(new CandidateRow(candidate, accumulator.stats())));
        return rows;
    }

    /** Reads the files and computes the rows. */
    public static List<CandidateRow> rowsFromFiles(List<Path> files) {
        return rows(AlpacaAnnotationReader.readAll(files));
    }

    /**
     * One JSON object per candidate with the leaderboard's keys: candidate, win_rate, standard_error, n_wins,
     * n_wins_base, n_draws, n_total, discrete_win_rate (undefined values are null).
     */
    public static List<String> importAlpacaJsonLines(List<Path> files) {
        List<String> lines = new ArrayList<>();
        for (CandidateRow row : rowsFromFiles(files)) {
            lines.add(toJsonLine(row));
        }
        return lines;
    }

    /** The JSON line of one row. */
    public static String toJsonLine(CandidateRow row) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("candidate", row.candidate());
        putNumber(json, "win_rate", row.stats().winRate());
        putNumber(json, "standard_error", row.stats().standardError());
        json.put("n_wins", row.stats().nWins());
        json.put("n_wins_base", row.stats().nWinsBase());
        json.put("n_draws", row.stats().nDraws());
        json.put("n_total", row.stats().nTotal());
        putNumber(json, "discrete_win_rate", row.stats().discreteWinRate());
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a row of plain numbers", e);
        }
    }

    private static void putNumber(ObjectNode json, String key, double value) {
        if (Double.isFinite(value)) {
            json.put(key, value);
        } else {
            json.putNull(key);
        }
    }
}
