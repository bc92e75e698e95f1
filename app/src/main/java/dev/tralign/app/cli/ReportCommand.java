package dev.tralign.app.cli;

import dev.tralign.evaluator.dashboard.WinRateSnapshot;
import dev.tralign.evaluator.report.ReportWriter;
import dev.tralign.evaluator.report.RunSeries;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.WinRate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A self-contained HTML report and PNG charts of runs' win rates, plus a table on the console. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write an HTML report and PNG charts (win rate vs step and vs KL) of runs from tralign.win-rates.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, split = ",", description = "Run ids (repeatable or comma-separated).")
    List<String> runs;

    @Option(names = "--out", defaultValue = ".tralign/report", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        connection.requireReachable();
        List<WinRate> all;
        try (Topics topics = Topics.create(Topics.DEFAULT_PREFIX, connection.serdeSettings())) {
            // The connection's full client settings: security (SASL, TLS) reaches this consumer too.
            Map<String, Object> consumer = new HashMap<>(connection.kafkaSettings());
            all = WinRateSnapshot.readAll(consumer, topics.winRates(), Duration.ofSeconds(30));
        }
        List<WinRate> selected = all.stream().filter(w -> runs.contains(w.getRunId())).toList();
        List<String> missing = runs.stream().filter(r -> selected.stream().noneMatch(w -> w.getRunId().equals(r)))
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no win rates for run(s) " + missing + " on topic "
                    + "tralign.win-rates; runs with win rates: "
                    + all.stream().map(WinRate::getRunId).distinct().toList());
        }
        ReportWriter.Report report = ReportWriter.write(out, "tralign: win rate against the SFT policy",
                RunSeries.fromWinRates(selected));
        System.out.println(report.consoleTable());
        System.out.println("report: " + report.html().toAbsolutePath());
        return 0;
    }
}
