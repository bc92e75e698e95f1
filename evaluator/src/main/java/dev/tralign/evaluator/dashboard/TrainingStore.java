package dev.tralign.evaluator.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.schemas.avro.TrainMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The training metrics of every run by step (tralign.train-metrics), safe for one writer and many readers; a later
 * record for the same (run, step) replaces the earlier one, as a resumed run republishes it.
 */
public final class TrainingStore {

    /** Points per run in the JSON view: enough for a chart, bounded for a run of a million steps. */
    static final int MAX_POINTS = 2000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, NavigableMap<Long, TrainMetrics>> byRun = new ConcurrentHashMap<>();

    /** Records one step's metrics. */
    public void put(TrainMetrics metrics) {
        byRun.computeIfAbsent(metrics.getRunId(), run -> new ConcurrentSkipListMap<>()).put(metrics.getStep(), metrics);
    }

    /** A run's steps in order; empty when the run is unknown. */
    public List<TrainMetrics> series(String runId) {
        NavigableMap<Long, TrainMetrics> steps = byRun.get(runId);
        return steps == null ? List.of() : new ArrayList<>(steps.values());
    }

    /**
     * {runId: [{step, loss, metrics: {TRL name: value}}]} for every run, runs sorted. A run with more than
     * {@link #MAX_POINTS} steps is thinned to every k-th step (its last step always kept). {@code metrics} holds the
     * record's named metrics plus {@code loss}; NaN and infinities are left out (JSON has no such numbers).
     */
    public String json() {
        ObjectNode out = MAPPER.createObjectNode();
        for (String run : byRun.keySet().stream().sorted().toList()) {
            List<TrainMetrics> steps = series(run);
            int stride = Math.max(1, (steps.size() + MAX_POINTS - 1) / MAX_POINTS);
            ArrayNode points = out.putArray(run);
            for (int i = 0; i < steps.size(); i++) {
                if (i % stride == 0 || i == steps.size() - 1) {
                    points.add(point(steps.get(i)));
                }
            }
        }
        try {
            return MAPPER.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise plain JSON nodes", e);
        }
    }

    private static ObjectNode point(TrainMetrics m) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("step", m.getStep());
        ObjectNode values = json.putObject("metrics");
        put(values, "loss", m.getLoss());
        m.getMetrics().forEach((name, value) -> put(values, name.toString(), value));
        return json;
    }

    private static void put(ObjectNode json, String key, Double value) {
        if (value != null && Double.isFinite(value)) {
            json.put(key, value);
        }
    }
}
