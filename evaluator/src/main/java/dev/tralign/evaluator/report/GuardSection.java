package dev.tralign.evaluator.report;

import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.ModelPromotion;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The guard's verdicts in a report (docs/guard-rails.md): each run family's champion changes
 * (tralign.promotions) and each alert (tralign.alerts), as two HTML tables after the charts, and as the charts'
 * marks ({@link #markers()}).
 *
 * @param alerts the alerts, in arrival order
 * @param promotions the promotions, in arrival order (the last of a family is its champion)
 */
public record GuardSection(List<Alert> alerts, List<ModelPromotion> promotions) {

    public GuardSection {
        alerts = List.copyOf(alerts);
        promotions = List.copyOf(promotions);
    }

    /**
     * The verdicts that concern {@code runIds} (a report of some runs): their alerts, and every promotion of each
     * family one of them was champion of, or replaced a champion in, so the family's last promotion stays its
     * current champion even when that is a run outside the report (which is then listed but not marked).
     */
    public static GuardSection ofRuns(Collection<String> runIds, List<Alert> alerts,
            List<ModelPromotion> promotions) {
        // previousRunId is null for a promotion over the SFT baseline; List.of's contains refuses null.
        Set<String> families = promotions.stream().filter(p -> runIds.contains(p.getRunId())
                || p.getPreviousRunId() != null && runIds.contains(p.getPreviousRunId()))
                .map(ModelPromotion::getFamily).collect(Collectors.toSet());
        return new GuardSection(alerts.stream().filter(a -> runIds.contains(a.getRunId())).toList(),
                promotions.stream().filter(p -> families.contains(p.getFamily())).toList());
    }

    /** What the charts mark of it: the alerts, and each family's current champion. */
    public GuardMarkers markers() {
        return GuardMarkers.of(alerts, promotions);
    }

    /** The section's HTML. */
    public String html() {
        StringBuilder page = new StringBuilder("<h2>Guard rails</h2>\n<p>Champions: a checkpoint replaces its "
                + "family's champion (at first the SFT policy) when it beats it on the same prompts by a one-sided "
                + "McNemar test, inside the KL budget. Alerts: failure signatures seen live in the run's topics.</p>\n")
                .append("<table>\n<tr><th>family</th><th>champion run</th><th>step</th><th>win rate %</th>")
                .append("<th>KL/seq (nats)</th><th>better / worse prompts</th><th>p</th><th>replaced</th></tr>\n");
        for (ModelPromotion p : promotions) {
            page.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td>"
                    + "<td>%.0f / %.0f</td><td>%s</td><td>%s</td></tr>%n", Html.escape(p.getFamily()),
                    Html.escape(p.getRunId()), p.getStep(), Formats.number(evidence(p, "win_rate"), 1),
                    Formats.number(evidence(p, "kl_to_sft"), 2), evidence(p, "better"), evidence(p, "worse"),
                    String.format(Locale.ROOT, "%.3g", evidence(p, "p_value")),
                    p.getPreviousRunId() == null ? "SFT" : Html.escape(p.getPreviousRunId() + " @ "
                            + p.getPreviousStep())));
        }
        page.append("</table>\n<table>\n<tr><th>run</th><th>step</th><th>alert</th><th>severity</th>")
                .append("<th>what was seen</th></tr>\n");
        for (Alert a : alerts) {
            page.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%s</td><td>%s</td>"
                    + "<td style=\"text-align:left\">%s</td></tr>%n", Html.escape(a.getRunId()), a.getStep(),
                    a.getKind(), a.getSeverity(), Html.escape(a.getMessage())));
        }
        if (alerts.isEmpty()) {
            page.append("<tr><td>none</td><td></td><td></td><td></td><td></td></tr>\n");
        }
        return page.append("</table>\n").toString();
    }

    private static double evidence(ModelPromotion p, String key) {
        return p.getEvidence().getOrDefault(key, Double.NaN);
    }
}
