package dev.tralign.evaluator.report;

import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertSeverity;
import dev.tralign.schemas.avro.ModelPromotion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the report's charts mark of the guard's verdicts (docs/guard-rails.md), before any chart places them: the
 * alerts of each (run, step), and each run family's current champion; and their places on a {@link Chart}, which the
 * SVG and PNG renderers both draw, so the two pictures cannot disagree.
 *
 * @param alerts one entry per (run, step) that has alerts, in order of first arrival
 * @param champions each family's current champion (its last promotion), by family
 */
public record GuardMarkers(List<AlertsAt> alerts, List<ChampionAt> champions) {

    /** No markers: a chart built with it is the chart without a guard. */
    public static final GuardMarkers NONE = new GuardMarkers(List.of(), List.of());

    public GuardMarkers {
        alerts = List.copyOf(alerts);
        champions = List.copyOf(champions);
    }

    /**
     * The alerts of one run at one step (two signatures can fire at the same checkpoint: one marker, not two drawn
     * over each other).
     *
     * @param runId the run
     * @param step the step the alerts name
     * @param severity the worst of their severities
     * @param tooltip one line per alert: kind, severity, step and message
     */
    public record AlertsAt(String runId, long step, AlertSeverity severity, String tooltip) {
    }

    /**
     * A family's current champion.
     *
     * @param family the run family
     * @param runId the champion's run
     * @param step the champion's checkpoint step
     */
    public record ChampionAt(String family, String runId, long step) {

        /** The text shown on hover. */
        public String tooltip() {
            return "champion of " + family + ": " + runId + " at step " + step;
        }
    }

    /** The markers of alerts (in arrival order) and promotions (in arrival order: a family's last is its champion). */
    public static GuardMarkers of(List<Alert> alerts, List<ModelPromotion> promotions) {
        Map<RunStep, List<Alert>> byRunStep = new LinkedHashMap<>();
        for (Alert a : alerts) {
            byRunStep.computeIfAbsent(new RunStep(a.getRunId(), a.getStep()), key -> new ArrayList<>()).add(a);
        }
        List<AlertsAt> marks = new ArrayList<>();
        byRunStep.forEach((at, here) -> {
            AlertSeverity worst = here.stream().anyMatch(a -> a.getSeverity() == AlertSeverity.CRITICAL)
                    ? AlertSeverity.CRITICAL : AlertSeverity.WARNING;
            List<String> lines = here.stream().map(a -> String.format(Locale.ROOT, "%s (%s) at step %d: %s",
                    a.getKind(), a.getSeverity(), a.getStep(), a.getMessage())).toList();
            marks.add(new AlertsAt(at.runId(), at.step(), worst, String.join("\n", lines)));
        });
        return new GuardMarkers(marks, champions(promotions));
    }

    /** Each family's current champion, by family: its last promotion in {@code promotions} (arrival order). */
    public static List<ChampionAt> champions(List<ModelPromotion> promotions) {
        Map<String, ModelPromotion> current = new TreeMap<>();
        promotions.forEach(p -> current.put(p.getFamily(), p));
        return current.values().stream().map(p -> new ChampionAt(p.getFamily(), p.getRunId(), p.getStep())).toList();
    }

    /**
     * {@code chart} (one series per run, in the order of {@code runs}) with these marks of its runs, in each run's
     * colour. {@code xOf} is a checkpoint's x on this chart (null or NaN: not charted); a ring needs its checkpoint
     * charted, an alert too unless {@code alertAtItsStep} (x is then the alert's step).
     */
    Chart placedOn(Chart chart, List<RunSeries> runs, Function<WinRatePoint, Double> xOf, boolean alertAtItsStep) {
        List<Chart.AlertLine> lines = new ArrayList<>();
        for (AlertsAt a : alerts) {
            int run = runIndex(runs, a.runId());
            if (run < 0) {
                continue;
            }
            Optional<Double> x = alertAtItsStep ? Optional.of((double) a.step())
                    : charted(runs.get(run), a.step(), xOf).map(xOf);
            String color = chart.series().get(run).color();
            x.ifPresent(v -> lines.add(new Chart.AlertLine(a.runId(), a.step(), v, color, a.severity(), a.tooltip())));
        }
        List<Chart.ChampionRing> rings = new ArrayList<>();
        for (ChampionAt c : champions) {
            int run = runIndex(runs, c.runId());
            if (run >= 0) {
                String color = chart.series().get(run).color();
                charted(runs.get(run), c.step(), xOf).ifPresent(p -> rings.add(new Chart.ChampionRing(c.runId(),
                        c.step(), xOf.apply(p), p.winRate(), color, c.tooltip())));
            }
        }
        return new Chart(chart.title(), chart.xLabel(), chart.yLabel(), chart.x(), chart.y(), chart.series(), lines,
                rings);
    }

    private static int runIndex(List<RunSeries> runs, String runId) {
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).runId().equals(runId)) {
                return i;
            }
        }
        return -1;
    }

    /** The run's checkpoint at {@code step} when this chart draws it. */
    private static Optional<WinRatePoint> charted(RunSeries run, long step, Function<WinRatePoint, Double> xOf) {
        return run.points().stream().filter(p -> p.step() == step && Double.isFinite(p.winRate())
                && xOf.apply(p) != null && Double.isFinite(xOf.apply(p))).findFirst();
    }

    private record RunStep(String runId, long step) {
    }
}
