package dev.tralign.evaluator.dashboard;

import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The alerts seen so far, one per (run, step, kind): a task re-processing its input after a restart produces the
 * same alert again, and it counts once. Safe for concurrent writers and readers. Feeds the dashboard's markers and
 * the Prometheus counter {@code tralign_guard_alerts_total{kind=...}} ({@link #bindTo}).
 */
public final class AlertStore {

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final List<Alert> alerts = new ArrayList<>();
    private final Map<AlertKind, AtomicLong> counts = new EnumMap<>(AlertKind.class);

    public AlertStore() {
        for (AlertKind kind : AlertKind.values()) {
            counts.put(kind, new AtomicLong());
        }
    }

    /** Records an alert (a repeat of a known (run, step, kind) is ignored). */
    public void add(Alert alert) {
        if (!seen.add(alert.getRunId() + '\u0000' + alert.getStep() + '\u0000' + alert.getKind())) {
            return;
        }
        synchronized (alerts) {
            alerts.add(alert);
        }
        counts.get(alert.getKind()).incrementAndGet();
    }

    /** Every alert in arrival order. */
    public List<Alert> all() {
        synchronized (alerts) {
            return List.copyOf(alerts);
        }
    }

    /** A run's alerts in arrival order. */
    public List<Alert> of(String runId) {
        return all().stream().filter(a -> a.getRunId().equals(runId)).toList();
    }

    /** Alerts of a kind so far. */
    public long count(AlertKind kind) {
        return counts.get(kind).get();
    }

    /** Registers one counter per kind, {@code tralign.guard.alerts} tagged {@code kind}, on {@code registry}. */
    public AlertStore bindTo(MeterRegistry registry) {
        for (AlertKind kind : AlertKind.values()) {
            if (kind != AlertKind.UNKNOWN) {
                FunctionCounter.builder("tralign.guard.alerts", this, s -> s.count(kind)).tag("kind", kind.name())
                        .description("Failure signatures the guard found, by kind").register(registry);
            }
        }
        return this;
    }
}
