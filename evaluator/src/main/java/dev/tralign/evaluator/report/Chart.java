package dev.tralign.evaluator.report;

import dev.tralign.schemas.avro.AlertSeverity;
import java.util.ArrayList;
import java.util.List;

/**
 * A line chart reduced to what a renderer draws: axes with ranges and ticks, and series of (x, y) points with an
 * optional band [low, high] per point, and the guard's marks placed on it (alert lines, champion rings). Pure data,
 * built by {@link #winRateVsStep} and {@link #winRateVsKl}.
 *
 * @param title chart title
 * @param xLabel x axis label
 * @param yLabel y axis label
 * @param x x axis
 * @param y y axis
 * @param series the lines
 * @param alertLines the guard's alerts on this chart, in the order of {@link GuardMarkers#alerts()}
 * @param rings the champions on this chart
 */
public record Chart(String title, String xLabel, String yLabel, Axis x, Axis y, List<Series> series,
        List<AlertLine> alertLines, List<ChampionRing> rings) {

    /** Radius of a champion's ring, pixels (the points have 3). */
    public static final double RING_RADIUS = 7;

    public Chart {
        series = List.copyOf(series);
        alertLines = List.copyOf(alertLines);
        rings = List.copyOf(rings);
    }

    /** A chart without marks. */
    public Chart(String title, String xLabel, String yLabel, Axis x, Axis y, List<Series> series) {
        this(title, xLabel, yLabel, x, y, series, List.of(), List.of());
    }

    /** Colour of the i-th series (a colour-blind-friendly palette, Okabe-Ito), as #rrggbb. */
    public static String color(int index) {
        String[] palette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
        return palette[index % palette.length];
    }

    /** Colour of an alert's triangle: red for CRITICAL, amber for WARNING. */
    public static String severityColor(AlertSeverity severity) {
        return severity == AlertSeverity.CRITICAL ? "#C00000" : "#E69F00";
    }

    /**
     * The alerts of one run at one step: a dashed vertical line at x in the run's colour, under a triangle in the
     * colour of the worst severity at the top of the plot.
     *
     * @param runId the run
     * @param step the alerts' step
     * @param x where on the x axis (the step, or the checkpoint's KL)
     * @param color the run's colour
     * @param severity the worst severity
     * @param tooltip the alerts, one per line
     */
    public record AlertLine(String runId, long step, double x, String color, AlertSeverity severity, String tooltip) {
    }

    /**
     * A ring around a family champion's point.
     *
     * @param runId the champion's run
     * @param step its step
     * @param x the point's x
     * @param y the point's y (win rate)
     * @param color the run's colour
     * @param tooltip what it is
     */
    public record ChampionRing(String runId, long step, double x, double y, String color, String tooltip) {
    }

    /**
     * One entry of the marks' legend, drawn in neutral grey apart from the alert triangle's colour.
     *
     * @param label its text
     * @param color the triangle's colour; unused for the ring
     * @param ring true for the champion's ring, false for an alert line
     */
    public record MarkLegend(String label, String color, boolean ring) {
    }

    /** Legend entries for the kinds of marks on this chart (none when it has none). */
    public List<MarkLegend> markLegend() {
        List<MarkLegend> entries = new ArrayList<>();
        for (AlertSeverity severity : List.of(AlertSeverity.CRITICAL, AlertSeverity.WARNING)) {
            if (alertLines.stream().anyMatch(a -> a.severity() == severity)) {
                entries.add(new MarkLegend(severity.name().toLowerCase(java.util.Locale.ROOT) + " alert",
                        severityColor(severity), false));
            }
        }
        if (!rings.isEmpty()) {
            entries.add(new MarkLegend("family champion", "#555555", true));
        }
        return entries;
    }

    /**
     * An axis from min to max with tick positions.
     *
     * @param min lower end
     * @param max upper end (greater than min)
     * @param ticks tick values within [min, max]
     */
    public record Axis(double min, double max, List<Double> ticks) {

        /** An axis that covers [lo, hi] with round ticks (1, 2 or 5 times a power of ten). */
        public static Axis covering(double lo, double hi) {
            if (!(hi > lo)) {
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                lo -= pad;
                hi += pad;
            }
            double raw = (hi - lo) / 5;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = magnitude * (raw / magnitude <= 1 ? 1 : raw / magnitude <= 2 ? 2 : raw / magnitude <= 5 ? 5
                    : 10);
            double min = Math.floor(lo / step) * step;
            double max = Math.ceil(hi / step) * step;
            List<Double> ticks = new ArrayList<>();
            for (double t = min; t <= max + step / 2; t += step) {
                ticks.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
            }
            return new Axis(min, max, ticks);
        }

        /** Position of v in [0,1] along the axis. */
        public double fraction(double v) {
            return (v - min) / (max - min);
        }
    }

    /**
     * One line.
     *
     * @param name legend text
     * @param color #rrggbb
     * @param xs x values
     * @param ys y values
     * @param lows band lower ends, empty for no band
     * @param highs band upper ends, empty for no band
     * @param dashed a companion line drawn dashed in the same colour over the same xs (the length-controlled win
     *     rate), NaN where a point has none; empty for none
     */
    public record Series(String name, String color, List<Double> xs, List<Double> ys, List<Double> lows,
            List<Double> highs, List<Double> dashed) {

        /** A series without a dashed companion. */
        public Series(String name, String color, List<Double> xs, List<Double> ys, List<Double> lows,
                List<Double> highs) {
            this(name, color, xs, ys, lows, highs, List.of());
        }

        /** True when the series has a band. */
        public boolean hasBand() {
            return !lows.isEmpty();
        }
    }

    /** Win rate (with Wilson band) against checkpoint step, one line per run. */
    public static Chart winRateVsStep(List<RunSeries> runs) {
        return winRateVsStep(runs, GuardMarkers.NONE);
    }

    /**
     * The same with the guard's marks of the charted runs: an alert at its step (also a training step between
     * checkpoints; the axis then covers it), a ring on each champion's checkpoint.
     */
    public static Chart winRateVsStep(List<RunSeries> runs, GuardMarkers guard) {
        List<Series> series = new ArrayList<>();
        double minStep = Double.POSITIVE_INFINITY;
        double maxStep = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < runs.size(); i++) {
            RunSeries run = runs.get(i);
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            List<Double> lows = new ArrayList<>();
            List<Double> highs = new ArrayList<>();
            List<Double> lengthControlled = new ArrayList<>();
            for (WinRatePoint p : run.points()) {
                if (!Double.isFinite(p.winRate())) {
                    continue;
                }
                xs.add((double) p.step());
                ys.add(p.winRate());
                lows.add(p.low());
                highs.add(p.high());
                lengthControlled.add(p.lengthControlled() == null ? Double.NaN : p.lengthControlled());
                minStep = Math.min(minStep, p.step());
                maxStep = Math.max(maxStep, p.step());
            }
            boolean anyLc = lengthControlled.stream().anyMatch(Double::isFinite);
            series.add(new Series(run.runId(), color(i), xs, ys, lows, highs, anyLc ? lengthControlled : List.of()));
            for (GuardMarkers.AlertsAt a : guard.alerts()) {
                if (a.runId().equals(run.runId())) {
                    minStep = Math.min(minStep, a.step());
                    maxStep = Math.max(maxStep, a.step());
                }
            }
        }
        Axis x = Double.isFinite(minStep) ? Axis.covering(minStep, maxStep) : Axis.covering(0, 1);
        boolean anyDashed = series.stream().anyMatch(s -> !s.dashed().isEmpty());
        String title = "Win rate against the SFT baseline by step" + (anyDashed ? " (dashed: length-controlled)" : "");
        return guard.placedOn(new Chart(title, "optimizer step", "win rate (%)", x,
                new Axis(0, 100, List.of(0.0, 25.0, 50.0, 75.0, 100.0)), series), runs, p -> (double) p.step(), true);
    }

    /** Win rate against KL to SFT (nats per sequence), one line per run in step order; points without KL skipped. */
    public static Chart winRateVsKl(List<RunSeries> runs) {
        return winRateVsKl(runs, GuardMarkers.NONE);
    }

    /**
     * The same with the guard's marks of the charted runs, at the KL of their checkpoint: alerts at a step without a
     * charted checkpoint (training-metric signatures between checkpoints) are on the step chart only.
     */
    public static Chart winRateVsKl(List<RunSeries> runs, GuardMarkers guard) {
        List<Series> series = new ArrayList<>();
        double maxKl = 0;
        double minKl = 0;
        for (int i = 0; i < runs.size(); i++) {
            RunSeries run = runs.get(i);
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (WinRatePoint p : run.points()) {
                if (p.klPerSequence() == null || !Double.isFinite(p.klPerSequence()) || !Double.isFinite(p.winRate())) {
                    continue;
                }
                xs.add(p.klPerSequence());
                ys.add(p.winRate());
                maxKl = Math.max(maxKl, p.klPerSequence());
                minKl = Math.min(minKl, p.klPerSequence());
            }
            series.add(new Series(run.runId(), color(i), xs, ys, List.of(), List.of()));
        }
        return guard.placedOn(new Chart("Win rate against KL to the SFT policy", "KL to SFT (nats per sequence)",
                "win rate (%)", Axis.covering(minKl, maxKl), new Axis(0, 100, List.of(0.0, 25.0, 50.0, 75.0, 100.0)),
                series), runs, WinRatePoint::klPerSequence, false);
    }

}
