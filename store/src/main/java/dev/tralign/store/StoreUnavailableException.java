package dev.tralign.store;

import java.io.IOException;

/**
 * The store did not answer (connection refused or reset, a timeout, a 5xx, throttling): unlike a missing object or a
 * sha256 mismatch, trying again later may succeed, so readers retry it for a while ({@link StoreRetry}).
 */
public final class StoreUnavailableException extends IOException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
