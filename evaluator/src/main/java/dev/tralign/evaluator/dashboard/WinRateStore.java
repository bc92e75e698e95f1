package dev.tralign.evaluator.dashboard;

import dev.tralign.schemas.avro.WinRate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The latest WinRate per (run, step), safe for one writer and many readers. A later record for the same
 * (run, step) replaces the earlier one, as on the compacted topic.
 */
public final class WinRateStore {

    private final Map<String, NavigableMap<Long, WinRate>> byRun = new ConcurrentHashMap<>();

    /** Records a win rate. */
    public void put(WinRate winRate) {
        byRun.computeIfAbsent(winRate.getRunId(), run -> new ConcurrentSkipListMap<>())
                .put(winRate.getStep(), winRate);
    }

    /** Run ids, sorted. */
    public List<String> runIds() {
        return byRun.keySet().stream().sorted().toList();
    }

    /** A run's win rates by increasing step; empty when the run is unknown. */
    public Optional<List<WinRate>> series(String runId) {
        NavigableMap<Long, WinRate> steps = byRun.get(runId);
        return steps == null ? Optional.empty() : Optional.of(new ArrayList<>(steps.values()));
    }

    /** Every run's win rates. */
    public List<WinRate> all() {
        List<WinRate> all = new ArrayList<>();
        for (String run : runIds()) {
            all.addAll(byRun.get(run).values());
        }
        return all;
    }
}
