package dev.tralign.app.demo;

import dev.tralign.evaluator.dashboard.WinRateStore;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.schemas.avro.WinRate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The demo's final table: per method, the best and the final checkpoint's win rate against SFT, with KL. */
public record DemoResult(List<Row> rows, Path reportHtml, List<OnlineRounds.RoundReport> onlineRounds,
        Optional<OnlineComparison> onlineComparison, List<Alert> alerts, List<ModelPromotion> promotions) {

    /**
     * One method's summary.
     *
     * @param referenceUpdates trust-region updates the run made (its last checkpoint's reference version)
     */
    public record Row(String runId, String method, WinRate best, WinRate last, int checkpoints,
            long referenceUpdates) {
    }

    /** Suffix of the online run's method name (tr-dpo-soft+online). */
    static final String ONLINE_SUFFIX = "+online";
    /** Suffix of the control run's method name (tr-dpo-soft+rounds: the rounds without on-policy pairs). */
    static final String ROUNDS_SUFFIX = "+rounds";

    static DemoResult of(Map<String, Method> runs, Map<String, Long> referenceUpdates, WinRateStore store,
            Path reportHtml, List<OnlineRounds.RoundReport> onlineRounds, List<Alert> alerts,
            List<ModelPromotion> promotions) {
        List<Row> rows = new ArrayList<>();
        runs.forEach((runId, method) -> store.series(runId).filter(s -> !s.isEmpty()).ifPresent(series -> {
            WinRate best = series.stream().max(Comparator.comparingDouble(WinRate::getWinRate)).orElseThrow();
            WinRate last = series.stream().max(Comparator.comparingLong(WinRate::getStep)).orElseThrow();
            rows.add(new Row(runId, method.name(), best, last, series.size(),
                    referenceUpdates.getOrDefault(runId, 0L)));
        }));
        Optional<OnlineComparison> comparison = Optional.empty();
        for (Row online : rows) {
            String suffix = online.method().endsWith(ONLINE_SUFFIX) ? ONLINE_SUFFIX
                    : online.method().endsWith(ROUNDS_SUFFIX) ? ROUNDS_SUFFIX : null;
            if (suffix != null) {
                String base = online.method().substring(0, online.method().length() - suffix.length());
                comparison = rows.stream().filter(r -> r.method().equals(base)).findFirst()
                        .map(offline -> OnlineComparison.of(
                                new OnlineComparison.Curve(online.method(), store.series(online.runId()).orElseThrow()),
                                new OnlineComparison.Curve(offline.method(),
                                        store.series(offline.runId()).orElseThrow())));
            }
        }
        List<Alert> ofRuns = alerts.stream().filter(a -> runs.containsKey(a.getRunId())).toList();
        List<ModelPromotion> ofFamilies = promotions.stream().filter(p -> runs.containsKey(p.getRunId())).toList();
        return new DemoResult(List.copyOf(rows), reportHtml, List.copyOf(onlineRounds), comparison, ofRuns,
                ofFamilies);
    }

    /**
     * A plain-text table for the console: per method the best and final checkpoints, the reference updates, the
     * champion's step ("SFT" while no checkpoint beat the baseline) and the steps of each kind of alert.
     */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-18s | %-30s | %-30s | %-11s | %-8s | %s%n", "method",
                "best: step  win% [95% CI]  KL", "final: step  win% [95% CI]  KL", "ref updates", "champion",
                "alerts: kind steps"));
        sb.append("-".repeat(132)).append('\n');
        for (Row row : rows) {
            sb.append(String.format("%-18s | %s | %s | %-11d | %-8s | %s%n", row.method(), cell(row.best()),
                    cell(row.last()), row.referenceUpdates(),
                    champion(row.runId()).map(p -> Long.toString(p.getStep())).orElse("SFT"),
                    AlertSummary.of(alerts.stream().filter(a -> a.getRunId().equals(row.runId())).toList())));
        }
        sb.append("win% = gold-judge win rate against the SFT policy (ties half); KL = nats/sequence to SFT\n");
        sb.append("alerts: ").append(AlertSummary.LEGEND);
        return sb.toString();
    }

    /** The champion of a run's family: its last promotion, if any checkpoint beat the SFT baseline. */
    public Optional<ModelPromotion> champion(String runId) {
        ModelPromotion last = null;
        for (ModelPromotion p : promotions) {
            if (p.getRunId().equals(runId)) {
                last = p;
            }
        }
        return Optional.ofNullable(last);
    }

    /**
     * The guard's verdicts per method, after the table: its champion (tralign.promotions) and one line per alert
     * (tralign.alerts), "none" for a quiet run.
     */
    public String guardLines() {
        StringBuilder sb = new StringBuilder("champion per method (tralign.promotions; McNemar vs the previous "
                + "champion, inside the KL budget):");
        for (Row row : rows) {
            sb.append(String.format("%n  %-18s %s", row.method(), champion(row.runId()).map(p -> String.format(
                    "step %5d  win %5.1f%%  KL %5.1f  (%d promotion(s), last p=%.3g)", p.getStep(),
                    p.getEvidence().getOrDefault("win_rate", Double.NaN),
                    p.getEvidence().getOrDefault("kl_to_sft", Double.NaN),
                    promotions.stream().filter(q -> q.getRunId().equals(row.runId())).count(),
                    p.getEvidence().getOrDefault("p_value", Double.NaN))).orElse("none (no checkpoint beat SFT "
                    + "significantly)")));
        }
        sb.append(String.format("%nguard alerts (tralign.alerts):"));
        for (Row row : rows) {
            List<Alert> of = alerts.stream().filter(a -> a.getRunId().equals(row.runId())).toList();
            if (of.isEmpty()) {
                sb.append(String.format("%n  %-18s none", row.method()));
            }
            for (Alert a : of) {
                sb.append(String.format("%n  %-18s step %5d %-23s %s", row.method(), a.getStep(), a.getKind(),
                        a.getMessage()));
            }
        }
        return sb.toString();
    }

    private static String cell(WinRate w) {
        return String.format("%5d %5.1f [%4.1f,%4.1f] %5.1f", w.getStep(), w.getWinRate(), w.getWilsonLow(),
                w.getWilsonHigh(), w.getKlToSft() == null ? Double.NaN : w.getKlToSft());
    }
}
