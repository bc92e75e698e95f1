package dev.tralign.evaluator.report;

import dev.tralign.evaluator.ranking.BradleyTerryRanking;
import dev.tralign.evaluator.ranking.Game;
import dev.tralign.evaluator.winrate.Preferences;
import dev.tralign.schemas.avro.Judgment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * The games of the Bradley-Terry ranking, from evaluation records: each Judgment is one game between the
 * checkpoint (player {@code runId@step}) and the SFT baseline (player {@link #BASELINE}) on one prompt, outcome =
 * preference - 1 after AlpacaEval's rules (ties 0.5, identical outputs tie, missing verdicts left out). The LLM
 * judge already asks both positions and reports their combination, which is one game with the mean outcome of the
 * two position-swapped games (see {@link Game}).
 *
 * <p>Checkpoints never meet each other in our data: every game is against the baseline, so each checkpoint's score
 * is its own win rate against the baseline put on the logit scale, and the predicted probability that one
 * checkpoint beats another follows from the model, not from a direct comparison. The runs ranked together must
 * share the baseline (same SFT model and eval prompts, DESIGN.md section 6); {@link #baselineMismatches} counts the
 * prompts where two runs' baseline outputs differ.
 *
 * <p>The latest record per (run, step, prompt) counts, as in the win-rate topology. Thread-safe: the dashboard's
 * feed adds while requests read.
 */
public final class CheckpointGames {

    /** The baseline's player name. */
    public static final String BASELINE = "SFT baseline";

    private final Map<String, Entry> latest = new HashMap<>();
    private long version;

    private record Entry(String runId, long step, String promptId, Double outcome, int baselineHash) {
    }

    /** The player name of a checkpoint. */
    public static String player(String runId, long step) {
        return runId + "@" + step;
    }

    /** Adds (or replaces) the record of one (run, step, prompt). */
    public synchronized void add(Judgment judgment) {
        if (judgment == null) {
            return;
        }
        OptionalDouble preference = Preferences.normalise(judgment.getPreference(), judgment.getCandidate(),
                judgment.getBaseline());
        String key = judgment.getRunId() + '\u0000' + judgment.getStep() + '\u0000' + judgment.getPromptId();
        latest.put(key, new Entry(judgment.getRunId(), judgment.getStep(), judgment.getPromptId(),
                preference.isPresent() ? preference.getAsDouble() - 1 : null,
                judgment.getBaseline() == null ? 0 : judgment.getBaseline().hashCode()));
        version++;
    }

    /** Adds records in topic order. */
    public void addAll(Collection<Judgment> judgments) {
        judgments.forEach(this::add);
    }

    /** Changes so far: the dashboard recomputes its ranking only when this moves. */
    public synchronized long version() {
        return version;
    }

    /** Runs with at least one record. */
    public synchronized Set<String> runIds() {
        Set<String> runs = new TreeSet<>();
        latest.values().forEach(e -> runs.add(e.runId()));
        return runs;
    }

    /** The games of the given runs (all runs when empty). */
    public synchronized List<Game> games(Collection<String> runs) {
        List<Game> games = new ArrayList<>();
        for (Entry e : latest.values()) {
            if ((runs.isEmpty() || runs.contains(e.runId())) && e.outcome() != null) {
                games.add(new Game(player(e.runId(), e.step()), BASELINE, e.outcome(), e.promptId()));
            }
        }
        // A fixed order, so a seeded bootstrap gives the same answer however the records arrived.
        games.sort(java.util.Comparator.comparing(Game::group).thenComparing(Game::player));
        return games;
    }

    /** Prompts on which two of the given runs' baseline outputs differ (0 when the runs share the baseline). */
    public synchronized int baselineMismatches(Collection<String> runs) {
        Map<String, Set<Integer>> byPrompt = new HashMap<>();
        for (Entry e : latest.values()) {
            if (runs.isEmpty() || runs.contains(e.runId())) {
                byPrompt.computeIfAbsent(e.promptId(), k -> new java.util.HashSet<>()).add(e.baselineHash());
            }
        }
        return (int) byPrompt.values().stream().filter(hashes -> hashes.size() > 1).count();
    }

    /** The Bradley-Terry ranking of the given runs' checkpoints and the baseline; empty when there is no game. */
    public java.util.Optional<BradleyTerryRanking> ranking(Collection<String> runs, int rounds, long seed) {
        List<Game> games = games(runs);
        return games.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(BradleyTerryRanking.of(games, BASELINE, rounds, seed));
    }
}
