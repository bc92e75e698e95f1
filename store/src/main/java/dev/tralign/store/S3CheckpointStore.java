package dev.tralign.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checkpoints as objects in an S3 bucket (AWS S3, MinIO, any S3-compatible server) under
 * {@code <prefix>/<run.id>/step-<n>.ckpt}, with the sha256 as user metadata {@code x-amz-meta-sha256}. Files up to
 * {@code partBytes} go in one PutObject; larger ones as a multipart upload (PutObject stops at 5 GiB), aborted when a
 * part fails so no half object is left behind (an incomplete upload is invisible to readers either way).
 */
public final class S3CheckpointStore implements CheckpointStore {

    /** Part size of multipart uploads: big enough for few requests, small enough to retry cheaply. */
    public static final long DEFAULT_PART_BYTES = 64L * 1024 * 1024;
    /** User metadata key holding the object's sha256 (hex), for people and tools looking at the bucket. */
    public static final String SHA256_METADATA = "sha256";

    private final StoreLocation.S3 location;
    private final S3Client client;
    private final long partBytes;

    public S3CheckpointStore(StoreLocation.S3 location, S3Options options) {
        this(location, options, DEFAULT_PART_BYTES);
    }

    /** {@code partBytes}: multipart above this size (S3's minimum part is 5 MiB). */
    public S3CheckpointStore(StoreLocation.S3 location, S3Options options, long partBytes) {
        if (partBytes < 5L * 1024 * 1024) {
            throw new IllegalArgumentException("S3 parts are at least 5 MiB; got " + partBytes + " bytes");
        }
        this.location = location;
        this.client = S3Clients.build(options);
        this.partBytes = partBytes;
    }

    @Override
    public StoreLocation location() {
        return location;
    }

    @Override
    public URI put(Path file, String key, String sha256) throws IOException {
        String objectKey = location.objectKey(key);
        long size = Files.size(file);
        try {
            if (size <= partBytes) {
                client.putObject(b -> b.bucket(location.bucket()).key(objectKey).contentLength(size)
                        .metadata(Map.of(SHA256_METADATA, sha256)), RequestBody.fromFile(file));
            } else {
                putMultipart(file, objectKey, size, sha256);
            }
        } catch (SdkException e) {
            throw new IOException("cannot upload " + file + " to " + location.uriOf(key) + ": " + e.getMessage(), e);
        }
        return location.uriOf(key);
    }

    private void putMultipart(Path file, String objectKey, long size, String sha256) throws IOException {
        String uploadId = client.createMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey)
                .metadata(Map.of(SHA256_METADATA, sha256))).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partBytes, number++) {
                long length = Math.min(partBytes, size - offset);
                int partNumber = number;
                long start = offset;
                // A fresh stream per request: the SDK reads the body twice (payload hash, then send).
                ContentStreamProvider bytes = () -> part(file, start, length);
                String etag = client.uploadPart(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)
                        .partNumber(partNumber).contentLength(length),
                        RequestBody.fromContentProvider(bytes, length, "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            client.completeMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            try {
                client.abortMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private static InputStream part(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            return new BoundedStream(Channels.newInputStream(channel.position(offset)), length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Blob open(URI uri) throws IOException {
        String key = keyOf(uri);
        try {
            ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(location.bucket()).key(key));
            Long length = in.response().contentLength();
            return new Blob(uri, length == null ? -1 : length, new BrokenOffIsTransient(in, uri));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(uri.toString(), null, "no such object in the store");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException(uri.toString(), null, "not found (" + e.getMessage() + ")");
            }
            throw failure("cannot read " + uri + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw failure("cannot read " + uri + " (is the store reachable?): " + e.getMessage(), e);
        }
    }

    /** A {@link StoreUnavailableException} when the store did not answer ({@link S3Failures}), else a plain one. */
    private static IOException failure(String message, SdkException e) {
        return S3Failures.transientFailure(e) ? new StoreUnavailableException(message, e) : new IOException(message, e);
    }

    @Override
    public boolean exists(URI uri) throws IOException {
        String key = keyOf(uri);
        try {
            client.headObject(b -> b.bucket(location.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("cannot look up " + uri + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw failure("cannot look up " + uri + " (is the store reachable?): " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(URI uri) throws IOException {
        String key = keyOf(uri);
        try {
            client.deleteObject(b -> b.bucket(location.bucket()).key(key));
        } catch (SdkException e) {
            throw new IOException("cannot delete " + uri + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<URI> list(String directory) throws IOException {
        // The trailing slash keeps run "a" from listing "a-2/...", the delimiter keeps sub-directories out.
        String prefix = location.objectKey(CheckpointStore.segment(directory) + "/");
        List<URI> out = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(prefix)
                    .delimiter("/")).contents()) {
                String name = object.key().substring(Math.min(prefix.length(), object.key().length()));
                if (object.key().startsWith(prefix) && !name.isEmpty() && !name.contains("/")) {
                    out.add(new URI("s3", location.bucket(), "/" + object.key(), null));
                }
            }
        } catch (SdkException e) {
            throw new IOException("cannot list s3://" + location.bucket() + "/" + prefix + " (is the store reachable, may these keys list the bucket?): " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IOException("an object key under " + prefix + " is not a URI path: " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    @Override
    public boolean holds(URI uri) {
        if (!"s3".equalsIgnoreCase(uri.getScheme()) || !location.bucket().equals(uri.getHost())) {
            return false;
        }
        String key = uri.getPath() == null || uri.getPath().length() < 2 ? "" : uri.getPath().substring(1);
        return !key.contains("..") && !key.isEmpty()
                && (location.prefix().isEmpty() || key.startsWith(location.prefix() + "/"));
    }

    private String keyOf(URI uri) throws IOException {
        if (!holds(uri)) {
            throw new IOException(uri + " is not inside " + location + ": this store does not read it");
        }
        return uri.getPath().substring(1);
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * An object's body whose read failures (the connection reset or timed out half way) are
     * {@link StoreUnavailableException}s: the store stopped answering, and reading the object again may succeed.
     */
    private static final class BrokenOffIsTransient extends java.io.FilterInputStream {
        private final URI uri;

        BrokenOffIsTransient(InputStream in, URI uri) {
            super(in);
            this.uri = uri;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw brokenOff(e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return super.read(buffer, offset, length);
            } catch (IOException e) {
                throw brokenOff(e);
            }
        }

        private IOException brokenOff(IOException e) {
            return e instanceof StoreUnavailableException ? e
                    : new StoreUnavailableException("reading " + uri + " broke off: " + e.getMessage(), e);
        }
    }

    /** Exactly {@code length} bytes of a stream, then end of stream: one part of a multipart upload. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
