package dev.tralign.store;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Bounds on reading one checkpoint a checkpoint event points to: at most {@code maxBytes}, within {@code timeout},
 * and stopping as soon as {@code cancelled} turns true (the reader is closing).
 */
public record ReadLimits(long maxBytes, Duration timeout, BooleanSupplier cancelled) {

    /** No practical bound: for checkpoints a process reads from its own run (resume, export). */
    public static ReadLimits none() {
        return new ReadLimits(Long.MAX_VALUE, Duration.ofDays(365), () -> false);
    }
}
