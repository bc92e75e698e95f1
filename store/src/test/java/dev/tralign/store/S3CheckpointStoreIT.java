package dev.tralign.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.stack.S3rverPeer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 store against a real S3-protocol server (s3rver, .ci/s3rver): upload and download with the sha256 checked,
 * multipart uploads, a replaced object (hash mismatch), a missing object, and the server going down and coming back.
 */
class S3CheckpointStoreIT {

    private static final String BUCKET = "tralign-it";

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static S3rverPeer peer;

    @BeforeAll
    static void startPeer() {
        peer = S3rverPeer.start(shared.resolve("s3"), BUCKET);
    }

    @AfterAll
    static void stopPeer() {
        peer.close();
    }

    static S3Options options() {
        return S3Options.parse(Map.of(S3Options.ENDPOINT, peer.endpoint().toString(), S3Options.PATH_STYLE, "true",
                S3Options.ACCESS_KEY_ID, S3rverPeer.ACCESS_KEY_ID,
                S3Options.SECRET_ACCESS_KEY, S3rverPeer.SECRET_ACCESS_KEY), "checkpoint.s3.");
    }

    private static S3CheckpointStore store(String prefix) {
        return new S3CheckpointStore((StoreLocation.S3) StoreLocation.parse("test", "s3://" + BUCKET + "/" + prefix),
                options(), 5L * 1024 * 1024);
    }

    private Path file(String name, int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void anUploadedCheckpointDownloadsWithTheSameBytes() throws Exception {
        try (S3CheckpointStore store = store("roundtrip")) {
            Path file = file("step-10.ckpt", 1_234_567, 1);
            URI uri = store.put(file, "run-a/step-10.ckpt", sha256(file));

            assertThat(uri).hasToString("s3://" + BUCKET + "/roundtrip/run-a/step-10.ckpt");
            LocalCopy copy = LocalCopy.of(store, uri, sha256(file), dir.resolve("cache"), ReadLimits.none());
            assertThat(copy.downloaded()).isTrue();
            assertThat(copy.path()).startsWith(dir.resolve("cache")).isNotEqualTo(file);
            assertThat(Files.readAllBytes(copy.path())).isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void aLargeCheckpointGoesUpInPartsAndComesBackWhole() throws Exception {
        try (S3CheckpointStore store = store("multipart")) {
            Path file = file("step-20.ckpt", 11 * 1024 * 1024 + 3, 2);
            URI uri = store.put(file, "run-a/step-20.ckpt", sha256(file));

            try (Blob blob = store.open(uri)) {
                assertThat(blob.size()).isEqualTo(Files.size(file));
                assertThat(VerifiedRead.sha256(blob, null, ReadLimits.none())).isEqualTo(sha256(file));
            }
        }
    }

    @Test
    void aReplacedObjectIsAHashMismatchAndLeavesNoFile() throws Exception {
        try (S3CheckpointStore store = store("replaced")) {
            Path original = file("step-30.ckpt", 300_000, 3);
            URI uri = store.put(original, "run-a/step-30.ckpt", sha256(original));
            Path other = file("other.ckpt", 300_000, 4);
            store.put(other, "run-a/step-30.ckpt", sha256(other));
            Path cache = dir.resolve("cache");

            assertThatThrownBy(() -> LocalCopy.of(store, uri, sha256(original), cache, ReadLimits.none()))
                    .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining(sha256(other))
                    .hasMessageContaining("the event says " + sha256(original));
            try (var left = Files.walk(cache)) {
                assertThat(left.filter(Files::isRegularFile)).isEmpty();
            }
        }
    }

    @Test
    void aMissingObjectIsNoSuchFileAndDeletingTwiceIsFine() throws Exception {
        try (S3CheckpointStore store = store("missing")) {
            Path file = file("step-40.ckpt", 1000, 5);
            URI uri = store.put(file, "run-a/step-40.ckpt", sha256(file));
            assertThat(store.exists(uri)).isTrue();
            store.delete(uri);
            store.delete(uri);
            assertThat(store.exists(uri)).isFalse();

            assertThatThrownBy(() -> store.open(uri)).isInstanceOf(NoSuchFileException.class)
                    .isNotInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.open(URI.create("s3://" + BUCKET + "/elsewhere/x.ckpt")))
                    .hasMessageContaining("not inside");
        }
    }

    @Test
    void aStoreThatIsDownFailsReadsAndBoundedUploadsThenUploadsOnceItIsBack() throws Exception {
        try (S3CheckpointStore store = store("outage")) {
            Path file = file("step-50.ckpt", 200_000, 6);
            String sha = sha256(file);
            URI before = store.put(file, "run-a/step-50.ckpt", sha);
            peer.stop();
            try {
                // Connection refused: transient, which readers retry (a missing object, below, is not).
                assertThatThrownBy(() -> store.open(before)).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("reachable");
                long started = System.nanoTime();
                assertThatThrownBy(() -> new UploadRetry(store, Duration.ofSeconds(1))
                        .put(file, "run-a/step-60.ckpt", sha)).hasMessageContaining("gave up storing run-a/step-60.ckpt");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));

                // The server comes back after the second failed attempt: the third one stores the checkpoint.
                AtomicInteger attempts = new AtomicInteger();
                CheckpointStore comesBack = new Delegating(store) {
                    @Override
                    public URI put(Path f, String key, String sha256) throws IOException {
                        try {
                            attempts.incrementAndGet();
                            return super.put(f, key, sha256);
                        } catch (IOException e) {
                            if (attempts.get() == 2) {
                                peer.start();
                            }
                            throw e;
                        }
                    }
                };
                URI after = new UploadRetry(comesBack, Duration.ofSeconds(60)).put(file, "run-a/step-70.ckpt", sha);

                assertThat(attempts).hasValue(3);
                LocalCopy copy = LocalCopy.of(store, after, sha, dir.resolve("cache"), ReadLimits.none());
                assertThat(Files.readAllBytes(copy.path())).isEqualTo(Files.readAllBytes(file));
            } finally {
                peer.start();
            }
        }
    }

    @Test
    void listingARunShowsItsOwnObjectsOnlyNotThoseOfALongerRunIdOrASubDirectory() throws Exception {
        try (S3CheckpointStore store = store("listing"); S3CheckpointStore other = store("listing-2")) {
            Path file = file("step-1.ckpt", 1000, 7);
            String sha = sha256(file);
            URI one = store.put(file, "a/step-1.ckpt", sha);
            URI two = store.put(file, "a/step-2.ckpt", sha);
            store.put(file, "a-2/step-1.ckpt", sha);
            store.put(file, "a/sub/step-3.ckpt", sha);
            other.put(file, "a/step-9.ckpt", sha);

            assertThat(store.list("a")).containsExactly(one, two);
            assertThat(store.list("b")).isEmpty();
            store.delete(store.list("a").get(0));
            assertThat(store.list("a")).containsExactly(two);
            assertThat(other.list("a")).hasSize(1);
            assertThatThrownBy(() -> store.list("..")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Forwards everything to a store; tests override one method. */
    private static class Delegating implements CheckpointStore {
        private final CheckpointStore store;

        Delegating(CheckpointStore store) {
            this.store = store;
        }

        @Override
        public StoreLocation location() {
            return store.location();
        }

        @Override
        public URI put(Path file, String key, String sha256) throws IOException {
            return store.put(file, key, sha256);
        }

        @Override
        public Blob open(URI uri) throws IOException {
            return store.open(uri);
        }

        @Override
        public boolean exists(URI uri) throws IOException {
            return store.exists(uri);
        }

        @Override
        public void delete(URI uri) throws IOException {
            store.delete(uri);
        }

        @Override
        public java.util.List<URI> list(String directory) throws IOException {
            return store.list(directory);
        }

        @Override
        public boolean holds(URI uri) {
            return store.holds(uri);
        }

        @Override
        public void close() {
        }
    }
}
