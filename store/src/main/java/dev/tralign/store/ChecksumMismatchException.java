package dev.tralign.store;

import java.io.IOException;
import java.net.URI;

/** A checkpoint whose bytes do not hash to the sha256 its event committed: truncated, replaced or corrupt. */
public final class ChecksumMismatchException extends IOException {

    public ChecksumMismatchException(URI uri, String actual, String expected) {
        super("sha256 of " + uri + " is " + actual + ", the event says " + expected
                + " (the object is truncated, replaced or corrupt)");
    }
}
