package dev.tralign.app.demo;

import dev.tralign.schemas.avro.WinRate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * The online run against its offline counterpart (same method, same SFT start, same steps): win rates at the end,
 * at the best checkpoint, and at matched KL to SFT (linear interpolation between checkpoints, {@link CurveStats};
 * both curves start at the SFT policy, KL 0 and 50%). Pure.
 *
 * @param online      the online run's label and curve
 * @param offline     the offline run's label and curve
 * @param matched     win rates at KLs both curves reach
 */
public record OnlineComparison(Curve online, Curve offline, List<AtKl> matched) {

    /** A labelled curve, sorted by step. */
    public record Curve(String label, List<WinRate> points) {

        public Curve {
            points = points.stream().sorted(Comparator.comparingLong(WinRate::getStep)).toList();
            if (points.isEmpty()) {
                throw new IllegalArgumentException(label + " has no judged checkpoint");
            }
        }

        public WinRate last() {
            return points.get(points.size() - 1);
        }

        public WinRate best() {
            return points.stream().max(Comparator.comparingDouble(WinRate::getWinRate)).orElseThrow();
        }

        /** KL-ordered by step, starting at the SFT policy (KL 0, win rate 50). */
        List<CurveStats.KlPoint> klCurve() {
            List<CurveStats.KlPoint> curve = new ArrayList<>();
            curve.add(new CurveStats.KlPoint(0, 50));
            for (WinRate w : points) {
                if (w.getKlToSft() != null && Double.isFinite(w.getKlToSft())) {
                    curve.add(new CurveStats.KlPoint(w.getKlToSft(), w.getWinRate()));
                }
            }
            return curve;
        }

        double maxKl() {
            return klCurve().stream().mapToDouble(CurveStats.KlPoint::kl).max().orElse(0);
        }
    }

    /** Both win rates at one KL. */
    public record AtKl(double kl, double online, double offline) {
        public double difference() {
            return online - offline;
        }
    }

    /** KLs compared besides the lower of the two final KLs (each only when both curves reach it). */
    static final double[] KL_LEVELS = {5, 10, 20, 40};

    public static OnlineComparison of(Curve online, Curve offline) {
        double reach = Math.min(online.maxKl(), offline.maxKl());
        TreeSet<Double> targets = new TreeSet<>();
        for (double kl : KL_LEVELS) {
            if (kl <= reach) {
                targets.add(kl);
            }
        }
        Double lastOnline = online.last().getKlToSft();
        Double lastOffline = offline.last().getKlToSft();
        if (lastOnline != null && lastOffline != null) {
            targets.add(Math.min(lastOnline, lastOffline));
        }
        List<AtKl> matched = new ArrayList<>();
        for (double kl : targets) {
            OptionalDouble a = CurveStats.winRateAtKl(online.klCurve(), kl);
            OptionalDouble b = CurveStats.winRateAtKl(offline.klCurve(), kl);
            if (a.isPresent() && b.isPresent()) {
                matched.add(new AtKl(kl, a.getAsDouble(), b.getAsDouble()));
            }
        }
        return new OnlineComparison(online, offline, List.copyOf(matched));
    }

    /** Lines for the console and docs. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s vs %s (gold win rate against SFT, %%):%n", online.label(), offline.label()));
        sb.append(String.format("  final:  %s step %d: %.1f (KL %.1f)  vs  step %d: %.1f (KL %.1f)  -> %+.1f%n",
                online.label(), online.last().getStep(), online.last().getWinRate(), kl(online.last()),
                offline.last().getStep(), offline.last().getWinRate(), kl(offline.last()),
                online.last().getWinRate() - offline.last().getWinRate()));
        sb.append(String.format("  best:   step %d: %.1f (KL %.1f)  vs  step %d: %.1f (KL %.1f)%n",
                online.best().getStep(), online.best().getWinRate(), kl(online.best()), offline.best().getStep(),
                offline.best().getWinRate(), kl(offline.best())));
        sb.append("  at matched KL (interpolated between checkpoints):");
        if (matched.isEmpty()) {
            sb.append(" none (no KL that both curves reach)");
        }
        for (AtKl m : matched) {
            sb.append(String.format("%n    KL %5.1f: %.1f vs %.1f  -> %+.1f", m.kl(), m.online(), m.offline(),
                    m.difference()));
        }
        return sb.toString();
    }

    private static double kl(WinRate w) {
        return w.getKlToSft() == null ? Double.NaN : w.getKlToSft();
    }
}
