package dev.tralign.evaluator.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A line chart reduced to what a renderer draws: axes with ranges and ticks, and series of (x, y) points with an
 * optional band [low, high] per point. Pure data, built by {@link #winRateVsStep} and {@link #winRateVsKl}.
 *
 * @param title chart title
 * @param xLabel x axis label
 * @param yLabel y axis label
 * @param x x axis
 * @param y y axis
 * @param series the lines
 */
public record Chart(String title, String xLabel, String yLabel, Axis x, Axis y, List<Series> series) {

    /** Colour of the i-th series (a colour-blind-friendly palette, Okabe-Ito), as #rrggbb. */
    public static String color(int index) {
        String[] palette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
        return palette[index % palette.length];
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
        }
        Axis x = Double.isFinite(minStep) ? Axis.covering(minStep, maxStep) : Axis.covering(0, 1);
        boolean anyDashed = series.stream().anyMatch(s -> !s.dashed().isEmpty());
        String title = "Win rate against the SFT baseline by step" + (anyDashed ? " (dashed: length-controlled)" : "");
        return new Chart(title, "optimizer step", "win rate (%)", x,
                new Axis(0, 100, List.of(0.0, 25.0, 50.0, 75.0, 100.0)), series);
    }

    /** Win rate against KL to SFT (nats per sequence), one line per run in step order; points without KL skipped. */
    public static Chart winRateVsKl(List<RunSeries> runs) {
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
        return new Chart("Win rate against KL to the SFT policy", "KL to SFT (nats per sequence)", "win rate (%)",
                Axis.covering(minKl, maxKl), new Axis(0, 100, List.of(0.0, 25.0, 50.0, 75.0, 100.0)), series);
    }
}
