package dev.tralign.ingest.http;

import java.util.concurrent.Semaphore;

/** The bounded buffer: records sent to Kafka but not yet acknowledged. A request that does not fit gets 429. */
final class InFlightLimit {

    private final Semaphore permits;
    private final int capacity;

    InFlightLimit(int capacity) {
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
    }

    /** Reserves room for n records, all or nothing, without waiting. */
    boolean tryReserve(int n) {
        return n <= capacity && permits.tryAcquire(n);
    }

    void release(int n) {
        permits.release(n);
    }

    int inFlight() {
        return capacity - permits.availablePermits();
    }

    int capacity() {
        return capacity;
    }
}
