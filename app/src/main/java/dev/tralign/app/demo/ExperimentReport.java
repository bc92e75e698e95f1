package dev.tralign.app.demo;

import dev.tralign.evaluator.report.ReportWriter;
import dev.tralign.evaluator.report.RunSeries;
import dev.tralign.evaluator.report.WinRatePoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Writes an experiment's results: every evaluated checkpoint as CSV, a Markdown summary (per method: peak and final
 * win rate and KL, mean over seeds; TR minus classic paired over seeds at matched step and at matched KL, with
 * bootstrap intervals), and the HTML report with the two charts (win rate vs step, win rate vs KL).
 */
public final class ExperimentReport {

    /** KLs (nats per sequence) at which methods are compared, where every seed's curve reaches them. */
    static final double[] MATCHED_KLS = {5, 10, 20};

    private ExperimentReport() {
    }

    /** Curves of one seed. */
    public record SeedRun(long seed, List<ExperimentRunner.Curve> curves) {
    }

    /** Writes everything into {@code dir}; returns the summary text. */
    public static String write(Path dir, String command, List<SeedRun> runs) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("seed,method,step,win_rate,standard_error,wilson_low,wilson_high,"
                + "kl_per_sequence,kl_per_token,mean_gold,mean_targets,length_controlled_win_rate\n");
        List<RunSeries> series = new ArrayList<>();
        for (SeedRun run : runs) {
            for (ExperimentRunner.Curve curve : run.curves()) {
                List<WinRatePoint> points = new ArrayList<>();
                for (ExperimentRunner.Point p : curve.points()) {
                    var r = p.result();
                    var w = r.winRate();
                    csv.append(String.format(Locale.ROOT, "%d,%s,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.5f,%.4f,%.4f,%.4f%n",
                            run.seed(), curve.method().name(), r.step(), w.winRate(), w.standardError(),
                            w.wilsonLow(), w.wilsonHigh(), r.klPerSequence(), r.klPerToken(), r.meanCandidateScore(),
                            p.meanTargets(), r.lengthControlledWinRate()));
                    points.add(new WinRatePoint(r.step(), w.winRate(), w.wilsonLow(), w.wilsonHigh(),
                            r.klPerSequence(), w.nTotal(),
                            Double.isFinite(r.lengthControlledWinRate()) ? r.lengthControlledWinRate() : null));
                }
                series.add(new RunSeries("seed" + run.seed() + "/" + curve.method().name(), points));
            }
        }
        Files.writeString(dir.resolve("curves.csv"), csv);
        ReportWriter.write(dir, "tralign experiment: win rate against SFT (gold judge)", series);
        String summary = summary(command, runs);
        Files.writeString(dir.resolve("summary.md"), summary);
        return summary;
    }

    static String summary(String command, List<SeedRun> runs) {
        Map<String, List<ExperimentRunner.Curve>> byMethod = new LinkedHashMap<>();
        for (SeedRun run : runs) {
            for (ExperimentRunner.Curve curve : run.curves()) {
                byMethod.computeIfAbsent(curve.method().name(), m -> new ArrayList<>()).add(curve);
            }
        }
        StringBuilder md = new StringBuilder("# Experiment results\n\nMade by:\n\n    " + command + "\n\n");
        md.append(String.format("Seeds: %d. Win rate = gold-judge win rate against the SFT policy (percent, ties "
                + "half); KL = nats per sequence to SFT. Mean ± standard error over seeds.%n%n", runs.size()));
        md.append("| method | peak win % | step at peak | KL at peak | final win % | final KL |\n");
        md.append("|---|---|---|---|---|---|\n");
        byMethod.forEach((method, curves) -> {
            double[] peak = new double[curves.size()];
            double[] peakStep = new double[curves.size()];
            double[] peakKl = new double[curves.size()];
            double[] last = new double[curves.size()];
            double[] lastKl = new double[curves.size()];
            for (int i = 0; i < curves.size(); i++) {
                List<ExperimentRunner.Point> points = curves.get(i).points();
                ExperimentRunner.Point best = points.stream().max(java.util.Comparator.comparingDouble(
                        p -> p.result().winRate().winRate())).orElseThrow();
                ExperimentRunner.Point end = points.get(points.size() - 1);
                peak[i] = best.result().winRate().winRate();
                peakStep[i] = best.result().step();
                peakKl[i] = best.result().klPerSequence();
                last[i] = end.result().winRate().winRate();
                lastKl[i] = end.result().klPerSequence();
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", method, ms(peak), ms(peakStep),
                    ms(peakKl), ms(last), ms(lastKl)));
        });
        md.append("\nTrust region minus its classic counterpart, paired by seed (95% bootstrap interval of the mean):\n\n");
        md.append("| comparison | at final step | ");
        for (double kl : MATCHED_KLS) {
            md.append(String.format(Locale.ROOT, "at KL %.0f | ", kl));
        }
        md.append("\n|---|---|");
        for (int i = 0; i < MATCHED_KLS.length; i++) {
            md.append("---|");
        }
        md.append('\n');
        byMethod.forEach((method, curves) -> {
            if (!method.startsWith("tr-")) {
                return;
            }
            String classic = method.substring(3).replaceAll("-(soft|hard).*$", "");
            List<ExperimentRunner.Curve> base = byMethod.get(classic);
            if (base == null || base.size() != curves.size()) {
                return;
            }
            md.append("| ").append(method).append(" − ").append(classic).append(" | ");
            double[] finalDiff = new double[curves.size()];
            for (int i = 0; i < curves.size(); i++) {
                finalDiff[i] = lastWin(curves.get(i)) - lastWin(base.get(i));
            }
            md.append(interval(finalDiff)).append(" | ");
            for (double kl : MATCHED_KLS) {
                double[] diff = new double[curves.size()];
                boolean reached = true;
                for (int i = 0; i < curves.size(); i++) {
                    OptionalDouble tr = CurveStats.winRateAtKl(klCurve(curves.get(i)), kl);
                    OptionalDouble cl = CurveStats.winRateAtKl(klCurve(base.get(i)), kl);
                    if (tr.isEmpty() || cl.isEmpty()) {
                        reached = false;
                        break;
                    }
                    diff[i] = tr.getAsDouble() - cl.getAsDouble();
                }
                md.append(reached ? interval(diff) : "not reached by every seed").append(" | ");
            }
            md.append('\n');
        });
        return md.toString();
    }

    private static double lastWin(ExperimentRunner.Curve curve) {
        return curve.points().get(curve.points().size() - 1).result().winRate().winRate();
    }

    private static List<CurveStats.KlPoint> klCurve(ExperimentRunner.Curve curve) {
        return curve.points().stream().map(p -> new CurveStats.KlPoint(p.result().klPerSequence(),
                p.result().winRate().winRate())).toList();
    }

    private static String interval(double[] differences) {
        CurveStats.Interval i = CurveStats.pairedBootstrap(differences, 10_000, 17);
        return String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]", i.mean(), i.low(), i.high());
    }

    private static String ms(double[] values) {
        double mean = CurveStats.mean(values);
        if (values.length < 2) {
            return String.format(Locale.ROOT, "%.1f", mean);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return String.format(Locale.ROOT, "%.1f ± %.1f", mean, Math.sqrt(ss / (values.length - 1) / values.length));
    }
}
