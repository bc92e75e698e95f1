package dev.tralign.ingest.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * Prometheus metrics of the HTTP endpoint, tagged with the endpoint ({@code preferences} or {@code feedback}):
 * {@code tralign_ingest_records_in_total} (records parsed from request bodies),
 * {@code tralign_ingest_records_out_total} (valid records the broker acknowledged),
 * {@code tralign_ingest_records_dead_lettered_total} (invalid records sent to the DLQ) and
 * {@code tralign_ingest_request_seconds} (request latency, also tagged with the HTTP status).
 */
public final class IngestMetrics {

    private final PrometheusMeterRegistry registry;

    /** A fresh registry. */
    public IngestMetrics() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** The registry, for /metrics and tests. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    void recordsIn(String endpoint, int n) {
        counter("tralign.ingest.records.in", endpoint, "Records parsed from request bodies").increment(n);
    }

    void recordsOut(String endpoint, int n) {
        counter("tralign.ingest.records.out", endpoint, "Valid records acknowledged by the broker").increment(n);
    }

    void deadLettered(String endpoint, int n) {
        counter("tralign.ingest.records.dead.lettered", endpoint, "Invalid records sent to the dead-letter topic")
                .increment(n);
    }

    void request(String endpoint, int status, Duration elapsed) {
        Timer.builder("tralign.ingest.request").description("HTTP request latency").tag("endpoint", endpoint)
                .tag("status", Integer.toString(status)).register(registry).record(elapsed);
    }

    private Counter counter(String name, String endpoint, String description) {
        return Counter.builder(name).description(description).tag("endpoint", endpoint).register(registry);
    }
}
