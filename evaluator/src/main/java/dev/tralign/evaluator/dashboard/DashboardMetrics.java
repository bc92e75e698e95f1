package dev.tralign.evaluator.dashboard;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus metrics of a {@link WinRateStore}: {@code tralign_evaluator_win_rate_records_total} (WinRate records
 * read), {@code tralign_evaluator_runs} (runs seen), and per run ({@code run} tag) the win rate in percent and the
 * step of its newest checkpoint: {@code tralign_evaluator_latest_win_rate}, {@code tralign_evaluator_latest_step}.
 * Per-run gauges are refreshed at each scrape, so a new run appears without a restart.
 */
public final class DashboardMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final WinRateStore store;
    private final MultiGauge latestWinRate;
    private final MultiGauge latestStep;

    /** Metrics over {@code store}. */
    public DashboardMetrics(WinRateStore store) {
        this.store = store;
        FunctionCounter.builder("tralign.evaluator.win.rate.records", store, WinRateStore::records)
                .description("WinRate records read from the win-rates topic").register(registry);
        Gauge.builder("tralign.evaluator.runs", store, s -> s.runIds().size())
                .description("Runs with at least one win rate").register(registry);
        this.latestWinRate = MultiGauge.builder("tralign.evaluator.latest.win.rate")
                .description("Win rate against the SFT baseline at the run's newest checkpoint, in percent")
                .register(registry);
        this.latestStep = MultiGauge.builder("tralign.evaluator.latest.step")
                .description("Step of the run's newest judged checkpoint").register(registry);
    }

    /** The registry /metrics scrapes, for other components' meters (e.g. the guard's alert counters). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /** The current metrics in Prometheus text format. */
    public String scrape() {
        List<MultiGauge.Row<?>> rates = new ArrayList<>();
        List<MultiGauge.Row<?>> steps = new ArrayList<>();
        for (String run : store.runIds()) {
            store.latest(run).ifPresent(w -> {
                rates.add(MultiGauge.Row.of(Tags.of("run", run), w.getWinRate()));
                steps.add(MultiGauge.Row.of(Tags.of("run", run), w.getStep()));
            });
        }
        latestWinRate.register(rates, true);
        latestStep.register(steps, true);
        return registry.scrape();
    }
}
