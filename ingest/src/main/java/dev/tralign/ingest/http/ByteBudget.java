package dev.tralign.ingest.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies the server holds at once (--max-buffered-bytes). Requests take from it as their bytes
 * arrive, not up front, so a slow or stalled client holds only what it has sent: it cannot starve the others by
 * declaring a large body and waiting. A request that finds the budget spent gets 429.
 */
final class ByteBudget {

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    ByteBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Takes n bytes, all or nothing, without waiting. */
    boolean tryTake(long n) {
        while (true) {
            long now = used.get();
            if (now + n > capacity) {
                return false;
            }
            if (used.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    void giveBack(long n) {
        used.addAndGet(-n);
    }

    long used() {
        return used.get();
    }

    long capacity() {
        return capacity;
    }
}
