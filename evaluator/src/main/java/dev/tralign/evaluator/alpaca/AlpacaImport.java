package dev.tralign.evaluator.alpaca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.evaluator.winrate.LengthControlledWinRate;
import dev.tralign.evaluator.winrate.LengthJudgment;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import dev.tralign.schemas.avro.Judgment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
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

    /**
     * Rows for the annotations, grouped by candidate. The length-controlled win rate takes the candidate's
     * annotations in file order (its cross-validation folds depend on the order, as alpaca_eval's do); an
     * annotation without output_1 or output_2 has no length difference and is left out of it.
     */
    public static List<CandidateRow> rows(List<AlpacaAnnotation> annotations) {
        Map<String, WinRateAccumulator> byCandidate = new LinkedHashMap<>();
        Map<String, List<LengthJudgment>> lengths = new LinkedHashMap<>();
        for (AlpacaAnnotation annotation : annotations) {
            WinRateAccumulator accumulator =
                    byCandidate.getOrDefault(annotation.generator2(), WinRateAccumulator.EMPTY);
            OptionalDouble preference = annotation.normalisedPreference();
            if (preference.isPresent()) {
                accumulator = accumulator.add(preference.getAsDouble());
            }
            // A candidate whose judgments are all missing still gets its (empty) row.
            byCandidate.put(annotation.generator2(), accumulator);
            List<LengthJudgment> candidateLengths =
                    lengths.computeIfAbsent(annotation.generator2(), candidate -> new ArrayList<>());
            if (annotation.output1() != null && annotation.output2() != null) {
                candidateLengths.add(LengthJudgment.of(annotation.output2(), annotation.output1(),
                        preference.isPresent() ? preference.getAsDouble() : Double.NaN));
            }
        }
        List<CandidateRow> rows = new ArrayList<>();
        byCandidate.forEach((candidate, accumulator) -> rows.add(new CandidateRow(candidate, accumulator.stats(),
                LengthControlledWinRate.of(lengths.get(candidate)))));
        return rows;
    }

    /** Reads the files and computes the rows. */
    public static List<CandidateRow> rowsFromFiles(List<Path> files) {
        return rows(AlpacaAnnotationReader.readAll(files));
    }

    /**
     * One JSON object per candidate with the leaderboard's keys: candidate, win_rate, standard_error, n_wins,
     * n_wins_base, n_draws, n_total, discrete_win_rate, and AlpacaEval's length-controlled keys
     * length_controlled_winrate and lc_standard_error (undefined values are null).
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
        putNumber(json, "length_controlled_winrate", row.lengthControlled().winRate());
        putNumber(json, "lc_standard_error", row.lengthControlled().standardError());
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a row of plain numbers", e);
        }
    }

    /**
     * The annotations as Judgment records for tralign.judgments: runId = generator_2, step 0, promptId = a content
     * hash of the instruction (so importing twice replaces instead of double counting), judge "alpaca-import",
     * candidate = output_2, baseline = output_1, preference normalised by AlpacaEval's rules (so the topic only
     * holds values in [1,2] or null, as the Judgment schema documents).
     */
    public static List<Judgment> toJudgments(List<AlpacaAnnotation> annotations, Instant at) {
        List<Judgment> judgments = new ArrayList<>(annotations.size());
        for (AlpacaAnnotation a : annotations) {
            OptionalDouble normalised = a.normalisedPreference();
            Double preference = normalised.isPresent() ? normalised.getAsDouble() : null;
            judgments.add(Judgment.newBuilder()
                    .setRunId(a.generator2()).setStep(0).setPromptId(promptId(a.instruction()))
                    .setJudge("alpaca-import")
                    .setCandidate(a.output2() == null ? "" : a.output2())
                    .setBaseline(a.output1() == null ? "" : a.output1())
                    .setPreference(preference).setCandidateScore(null).setBaselineScore(null)
                    .setRatings(Map.of()).setAt(at)
                    .build());
        }
        return judgments;
    }

    /** First 16 hex digits of SHA-256 of the instruction. */
    static String promptId(String instruction) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((instruction == null ? "" : instruction).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
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
