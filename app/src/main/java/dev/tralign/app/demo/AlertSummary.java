package dev.tralign.app.demo;

import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One table cell for a run's alerts: each kind by a short label with the steps it fired at, in the enum's order
 * ("kl 220,260  osc 240  drop 240"), so the demo's table shows at a glance what the lines under it spell out.
 */
final class AlertSummary {

    /** Steps shown per kind before the rest are counted. */
    private static final int STEPS_SHOWN = 3;
    private static final Map<AlertKind, String> LABELS = labels();
    /** The labels' meaning, printed under the table. */
    static final String LEGEND = "kl = KL_BUDGET, osc = KL_OSCILLATION, drop = REFERENCE_UPDATE_DROP, "
            + "loss / grad = LOSS_ / GRAD_NORM_DIVERGENCE, sft = REFERENCE_TASK_DEGRADED (details below)";

    private AlertSummary() {
    }

    /** The cell for {@code alerts} of one run; "-" when there are none. */
    static String of(List<Alert> alerts) {
        Map<AlertKind, TreeSet<Long>> steps = new EnumMap<>(AlertKind.class);
        for (Alert a : alerts) {
            steps.computeIfAbsent(a.getKind(), k -> new TreeSet<>()).add(a.getStep());
        }
        List<String> parts = new ArrayList<>();
        steps.forEach((kind, at) -> {
            List<String> shown = new ArrayList<>();
            for (long step : at) {
                if (shown.size() == STEPS_SHOWN) {
                    shown.add("+" + (at.size() - STEPS_SHOWN));
                    break;
                }
                shown.add(Long.toString(step));
            }
            parts.add(LABELS.getOrDefault(kind, kind.name().toLowerCase()) + " " + String.join(",", shown));
        });
        return parts.isEmpty() ? "-" : String.join("  ", parts);
    }

    private static Map<AlertKind, String> labels() {
        Map<AlertKind, String> m = new EnumMap<>(AlertKind.class);
        m.put(AlertKind.KL_BUDGET, "kl");
        m.put(AlertKind.KL_OSCILLATION, "osc");
        m.put(AlertKind.REFERENCE_UPDATE_DROP, "drop");
        m.put(AlertKind.LOSS_DIVERGENCE, "loss");
        m.put(AlertKind.GRAD_NORM_DIVERGENCE, "grad");
        m.put(AlertKind.REFERENCE_TASK_DEGRADED, "sft");
        return m;
    }
}
