package dev.tralign.evaluator.report;

import dev.tralign.schemas.avro.WinRate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The win-rate series of one run, points sorted by step.
 *
 * @param runId the run
 * @param points its checkpoints, by increasing step
 */
public record RunSeries(String runId, List<WinRatePoint> points) {

    /** Sorts the points by step. */
    public RunSeries {
        points = points.stream().sorted(Comparator.comparingLong(WinRatePoint::step)).toList();
    }

    /** Series per run (sorted by run id) from WinRate records; the last record per (run, step) wins. */
    public static List<RunSeries> fromWinRates(Collection<WinRate> winRates) {
        Map<String, Map<Long, WinRatePoint>> byRun = new TreeMap<>();
        for (WinRate w : winRates) {
            byRun.computeIfAbsent(w.getRunId(), run -> new TreeMap<>()).put(w.getStep(), point(w));
        }
        List<RunSeries> series = new ArrayList<>();
        byRun.forEach((run, points) -> series.add(new RunSeries(run, new ArrayList<>(points.values()))));
        return series;
    }

    /** The report's view of one WinRate record. */
    public static WinRatePoint point(WinRate w) {
        return new WinRatePoint(w.getStep(), w.getWinRate(), w.getWilsonLow(), w.getWilsonHigh(), w.getKlToSft(),
                w.getNTotal(), w.getLengthControlledWinRate());
    }
}
