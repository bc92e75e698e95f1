package dev.tralign.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/** An opened checkpoint object: its size as the store reports it and its bytes, to be read once and closed. */
public record Blob(URI uri, long size, InputStream stream) implements AutoCloseable {

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
