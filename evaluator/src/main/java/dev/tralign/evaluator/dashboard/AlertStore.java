package dev.tralign.evaluator.dashboard;

import dev.tralign.evaluator.report.GuardMarkers;
import dev.tralign.schemas.avro.Alert;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.ModelPromotion;
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
 * The guard's verdicts seen so far: alerts, one per (run, step, kind) (a task re-processing its input after a
 * restart produces the same alert again, and it counts once), and champion promotions. Safe for concurrent writers
 * and readers. Feeds the dashboard's markers ({@link #json}, GET /api/guard) and the Prometheus counter
 * {@code tralign_guard_alerts_total{kind=...}} ({@link #bindTo}).
 */
public final class AlertStore {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final List<Alert> alerts = new ArrayList<>();
    private final Map<AlertKind, AtomicLong> counts = new EnumMap<>(AlertKind.class);
    private final List<ModelPromotion> promotions = new java.util.concurrent.CopyOnWriteArrayList<>();

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

    /** Records a champion promotion. */
    public void promoted(ModelPromotion promotion) {
        promotions.add(promotion);
    }

    /** Every promotion in arrival order (a family's last is its champion). */
    public List<ModelPromotion> promotions() {
        return List.copyOf(promotions);
    }

    /**
     * {"alerts": [{runId, step, kind, severity, message}], "champions": [{family, runId, step}]}: every alert and
     * each family's current champion, for the dashboard's markers.
     */
    public String json() {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode alertNodes = root.putArray("alerts");
        for (Alert a : all()) {
            alertNodes.addObject().put("runId", a.getRunId()).put("step", a.getStep()).put("kind", a.getKind().name())
                    .put("severity", a.getSeverity().name()).put("message", a.getMessage());
        }
        ArrayNode championNodes = root.putArray("champions");
        // The report's marks pick the champions the same way (GuardMarkers).
        GuardMarkers.champions(promotions()).forEach(c -> championNodes.addObject().put("family", c.family())
                .put("runId", c.runId()).put("step", c.step()));
        try {
            return MAPPER.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the guard's JSON", e);
        }
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
