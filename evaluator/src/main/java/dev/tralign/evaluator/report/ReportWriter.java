package dev.tralign.evaluator.report;

import dev.tralign.evaluator.ranking.BradleyTerryRanking;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes a run comparison: a self-contained HTML page (inline SVG charts of win rate against step with Wilson
 * bands, and win rate against KL to SFT, plus the table), the same two charts as PNG, and returns the console
 * table. Files: report.html, win-rate-by-step.png, win-rate-by-kl.png, and bradley-terry.png with a ranking.
 */
public final class ReportWriter {

    /** Chart width in pixels. */
    public static final int WIDTH = 800;
    /** Chart height in pixels. */
    public static final int HEIGHT = 420;

    /**
     * What was written.
     *
     * @param html the HTML report
     * @param winRateByStepPng PNG of win rate against step
     * @param winRateByKlPng PNG of win rate against KL to SFT
     * @param consoleTable the plain-text table
     * @param bradleyTerryPng PNG of the Bradley-Terry ranking, when the report has one
     */
    public record Report(Path html, Path winRateByStepPng, Path winRateByKlPng, String consoleTable,
            Optional<Path> bradleyTerryPng) {
    }

    private ReportWriter() {
    }

    /** Writes the report files into the directory (created if needed) and returns their paths and the table. */
    public static Report write(Path directory, String title, List<RunSeries> runs) throws IOException {
        return write(directory, title, runs, Optional.empty());
    }

    /**
     * The same, with a Bradley-Terry section (table and forest chart in the page, table on the console) when a
     * ranking is given.
     */
    public static Report write(Path directory, String title, List<RunSeries> runs,
            Optional<BradleyTerryRanking> ranking) throws IOException {
        return write(directory, title, runs, ranking, Optional.empty());
    }

    /**
     * The same, with the guard's champions and alerts when given: marked on the charts (a dashed line at each
     * alert's step, a ring around each family's champion) and listed in tables after them ({@link GuardSection}).
     */
    public static Report write(Path directory, String title, List<RunSeries> runs,
            Optional<BradleyTerryRanking> ranking, Optional<GuardSection> guard) throws IOException {
        Files.createDirectories(directory);
        GuardMarkers marks = guard.map(GuardSection::markers).orElse(GuardMarkers.NONE);
        Chart byStep = Chart.winRateVsStep(runs, marks);
        Chart byKl = Chart.winRateVsKl(runs, marks);
        Path html = directory.resolve("report.html");
        Path stepPng = directory.resolve("win-rate-by-step.png");
        Path klPng = directory.resolve("win-rate-by-kl.png");
        Files.writeString(html, html(title, runs, byStep, byKl, ranking, guard), StandardCharsets.UTF_8);
        PngChartRenderer.write(byStep, WIDTH, HEIGHT, stepPng);
        PngChartRenderer.write(byKl, WIDTH, HEIGHT, klPng);
        String table = ConsoleTable.render(runs) + ranking.map(r -> "\n" + RankingView.consoleTable(r)).orElse("");
        Optional<Path> rankingPng = Optional.empty();
        if (ranking.isPresent()) {
            rankingPng = Optional.of(directory.resolve("bradley-terry.png"));
            RankingPng.write(ranking.get(), rankingPng.get());
        }
        return new Report(html, stepPng, klPng, table, rankingPng);
    }

    /** The HTML page alone. */
    public static String html(String title, List<RunSeries> runs) {
        return html(title, runs, Optional.empty());
    }

    /** The HTML page alone, with a Bradley-Terry section when a ranking is given. */
    public static String html(String title, List<RunSeries> runs, Optional<BradleyTerryRanking> ranking) {
        return html(title, runs, ranking, Optional.empty());
    }

    /** The HTML page alone, with the guard's marks and section when given (as {@link #write} does). */
    public static String html(String title, List<RunSeries> runs, Optional<BradleyTerryRanking> ranking,
            Optional<GuardSection> guard) {
        GuardMarkers marks = guard.map(GuardSection::markers).orElse(GuardMarkers.NONE);
        return html(title, runs, Chart.winRateVsStep(runs, marks), Chart.winRateVsKl(runs, marks), ranking, guard);
    }

    private static String html(String title, List<RunSeries> runs, Chart byStep, Chart byKl,
            Optional<BradleyTerryRanking> ranking, Optional<GuardSection> guard) {
        StringBuilder page = new StringBuilder()
                .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Html.escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}\n</style>\n</head>\n<body>\n<h1>")
                .append(Html.escape(title)).append("</h1>\n<p>Win rate against the SFT baseline, AlpacaEval ")
                .append("conventions (ties count half, missing judgments excluded); bands are Wilson 95% intervals of ")
                .append("(W + T/2)/N. LC is AlpacaEval's length-controlled win rate (length_controlled_minimal): ")
                .append("the win rate predicted at equal output lengths. Runs: ").append(runs.size()).append(".")
                .append(byStep.markLegend().isEmpty() ? "" : " Guard marks: a dashed line in the run's colour at "
                        + "each alert's step (on the KL chart at its checkpoint's KL), under a triangle red for "
                        + "critical and amber for warning alerts (hover for the alert); a ring around each run "
                        + "family's champion.")
                .append("</p>\n")
                .append(SvgChartRenderer.render(byStep, WIDTH, HEIGHT))
                .append(SvgChartRenderer.render(byKl, WIDTH, HEIGHT))
                .append("<table>\n<tr><th>run</th><th>step</th><th>win rate %</th><th>Wilson 95% %</th>")
                .append("<th>LC win rate %</th><th>KL/seq (nats)</th><th>n</th></tr>\n");
        for (RunSeries run : runs) {
            for (WinRatePoint p : run.points()) {
                page.append(String.format(Locale.ROOT,
                        "<tr><td>%s</td><td>%d</td><td>%s</td><td>%s - %s</td><td>%s</td><td>%s</td><td>%d</td></tr>%n",
                        Html.escape(run.runId()), p.step(), Formats.number(p.winRate(), 1),
                        Formats.number(p.low(), 1), Formats.number(p.high(), 1),
                        Formats.number(p.lengthControlled(), 1), Formats.number(p.klPerSequence(), 2), p.nTotal()));
            }
        }
        page.append("</table>\n");
        ranking.ifPresent(r -> page.append(RankingView.html(r)));
        guard.ifPresent(g -> page.append(g.html()));
        return page.append("</body>\n</html>\n").toString();
    }
}
