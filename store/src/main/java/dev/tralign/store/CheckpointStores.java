package dev.tralign.store;

/** Opens the store a {@link StoreLocation} names. */
public final class CheckpointStores {

    private CheckpointStores() {
    }

    /** A local directory store, or an S3 store reached with {@code s3} (ignored for local stores). */
    public static CheckpointStore open(StoreLocation location, S3Options s3) {
        if (location instanceof StoreLocation.S3 bucket) {
            return new S3CheckpointStore(bucket, s3);
        }
        return new LocalCheckpointStore((StoreLocation.Local) location);
    }
}
