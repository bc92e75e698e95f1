package dev.tralign.app.cli;

import dev.tralign.evaluator.dashboard.AlertStore;
import dev.tralign.evaluator.dashboard.WinRateSnapshot;
import dev.tralign.evaluator.ranking.BradleyTerryRanking;
import dev.tralign.evaluator.report.CheckpointGames;
import dev.tralign.evaluator.report.GuardSection;
import dev.tralign.evaluator.report.ReportWriter;
import dev.tralign.evaluator.report.RunSeries;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.WinRate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A self-contained HTML report and PNG charts of runs' win rates, plus a table on the console. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write an HTML report and PNG charts (win rate vs step and vs KL, length-controlled win rate, "
                + "Bradley-Terry scores, the guard's alerts and champions) of runs from tralign.win-rates, "
                + "tralign.judgments, tralign.alerts and tralign.promotions.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, split = ",", description = "Run ids (repeatable or comma-separated).")
    List<String> runs;

    @Option(names = "--out", defaultValue = ".tralign/report", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--bradley-terry", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Rank every checkpoint of the runs and the SFT baseline by Bradley-Terry scores with "
                    + "bootstrap intervals, from tralign.judgments (default: on; --no-bradley-terry skips reading "
                    + "the judgments).")
    boolean bradleyTerry;

    @Option(names = "--bt-rounds", defaultValue = "100",
            description = "Bootstrap rounds of the Bradley-Terry intervals (default: ${DEFAULT-VALUE}, as Arena-Hard).")
    int btRounds;

    @Option(names = "--bt-seed", defaultValue = "42",
            description = "Seed of the bootstrap, so a report is reproducible (default: ${DEFAULT-VALUE}).")
    long btSeed;

    @Option(names = "--guard", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Mark the runs' alerts (tralign.alerts) and their families' champions (tralign.promotions) "
                    + "on the charts and list them after them (default: on; --no-guard skips reading them).")
    boolean guard;

    @Mixin
    ConnectionOptions connection;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (btRounds < 1) {
            throw new IllegalArgumentException("--bt-rounds must be at least 1, got " + btRounds);
        }
        connection.requireReachable();
        List<WinRate> all;
        CheckpointGames games = new CheckpointGames();
        boolean ranked = bradleyTerry;
        Optional<GuardSection> guardSection = Optional.empty();
        try (Topics topics = Topics.create(Topics.DEFAULT_PREFIX, connection.serdeSettings())) {
            // The connection's full client settings: security (SASL, TLS) reaches this consumer too.
            Map<String, Object> consumer = new HashMap<>(connection.kafkaSettings());
            all = WinRateSnapshot.readAll(consumer, topics.winRates(), Duration.ofSeconds(30));
            if (bradleyTerry) {
                try {
                    WinRateSnapshot.readEach(consumer, topics.judgments(), Duration.ofSeconds(120), j -> {
                        if (runs.contains(j.getRunId())) {
                            games.add(j);
                        }
                    });
                } catch (IllegalStateException unreadable) {
                    // The win rates are the report; the ranking is an addition that must not cost the rest.
                    spec.commandLine().getErr().println("warning: no Bradley-Terry ranking: " + unreadable.getMessage()
                            + " (--no-bradley-terry skips it)");
                    ranked = false;
                }
            }
            if (guard) {
                guardSection = guardSection(consumer, topics);
            }
        }
        List<WinRate> selected = all.stream().filter(w -> runs.contains(w.getRunId())).toList();
        List<String> missing = runs.stream().filter(r -> selected.stream().noneMatch(w -> w.getRunId().equals(r)))
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no win rates for run(s) " + missing + " on topic "
                    + "tralign.win-rates; runs with win rates: "
                    + all.stream().map(WinRate::getRunId).distinct().toList());
        }
        Optional<BradleyTerryRanking> ranking = ranked ? games.ranking(runs, btRounds, btSeed)
                : Optional.empty();
        int mismatches = games.baselineMismatches(runs);
        java.io.PrintWriter console = spec.commandLine().getOut();
        if (mismatches > 0) {
            spec.commandLine().getErr().println("warning: the runs' baseline outputs differ on " + mismatches
                    + " prompt(s); a Bradley-Terry ranking across runs assumes one shared SFT baseline");
        }
        ReportWriter.Report report = ReportWriter.write(out, "tralign: win rate against the SFT policy",
                RunSeries.fromWinRates(selected), ranking, guardSection);
        console.println(report.consoleTable());
        console.println("report: " + report.html().toAbsolutePath());
        report.bradleyTerryPng().ifPresent(png -> console.println("ranking chart: " + png.toAbsolutePath()));
        console.flush();
        return 0;
    }

    /**
     * The runs' verdicts, through the dashboard's {@link AlertStore} (which counts an alert repeated after a
     * guard restart once); none, with a warning, when the topics cannot be read (no guard has run there).
     */
    private Optional<GuardSection> guardSection(Map<String, Object> consumer, Topics topics) {
        AlertStore verdicts = new AlertStore();
        try {
            WinRateSnapshot.readEach(consumer, topics.alerts(), Duration.ofSeconds(30), verdicts::add);
            WinRateSnapshot.readEach(consumer, topics.promotions(), Duration.ofSeconds(30), verdicts::promoted);
        } catch (IllegalStateException unreadable) {
            // As for the ranking: the win rates are the report, the guard's marks an addition.
            spec.commandLine().getErr().println("warning: no guard marks: " + unreadable.getMessage()
                    + " (--no-guard skips them)");
            return Optional.empty();
        }
        return Optional.of(GuardSection.ofRuns(runs, verdicts.all(), verdicts.promotions()));
    }
}
