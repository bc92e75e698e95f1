package dev.tralign.store;

import java.io.IOException;
import java.net.URI;

/**
 * Opens a committed checkpoint's URI for its own run's tools (resume, export): through the store when the store
 * holds it, else a {@code file:} URI directly (a run that moved to another store keeps its older local checkpoints
 * readable); any other URI is refused with the setting to change.
 */
public final class StoreOrFileOpener implements CheckpointOpener {

    private final CheckpointStore store;
    private final String setting;

    /** {@code store} may be null (file: URIs only); {@code setting} names where the store is configured. */
    public StoreOrFileOpener(CheckpointStore store, String setting) {
        this.store = store;
        this.setting = setting;
    }

    @Override
    public Blob open(URI uri) throws IOException {
        if (store != null && store.holds(uri)) {
            return store.open(uri);
        }
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            return LocalCheckpointStore.openFile(uri);
        }
        throw new IOException(uri + " is not in the checkpoint store "
                + (store == null ? "(none given)" : store.location().toString()) + ": set " + setting
                + " to where the run's checkpoints are (s3://bucket/prefix, with its S3 settings)");
    }
}
