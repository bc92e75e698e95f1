package dev.tralign.evaluator.dashboard;

import dev.tralign.schemas.avro.WinRate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest WinRate per (run, step), safe for one writer and many readers. A later record for the same
 * (run, step) replaces the earlier one, as on the compacted topic.
 */
public final class WinRateStore {

    private final Map<String, NavigableMap<Long, WinRate>> byRun = new ConcurrentHashMap<>();
    private final AtomicLong records = new AtomicLong();

    /** Records a win rate. */
    public void put(WinRate winRate) {
        records.incrementAndGet();
        byRun.computeIfAbsent(winRate.getRunId(), run -> new ConcurrentSkipListMap<>())
                .put(winRate.getStep(), winRate);
    }

    /** WinRate records put so far, replaced ones included (the feed's read count). */
    public long records() {
        return records.get();
    }

    /** The run's win rate at its highest step so far, if the run is known. */
    public Optional<WinRate> latest(String runId) {
        NavigableMap<Long, WinRate> steps = byRun.get(runId);
        return steps == null || steps.isEmpty() ? Optional.empty() : Optional.of(steps.lastEntry().getValue());
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
