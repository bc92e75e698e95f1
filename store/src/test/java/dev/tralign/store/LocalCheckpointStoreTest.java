package dev.tralign.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCheckpointStoreTest {

    @TempDir
    Path dir;

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aFileAlreadyInPlaceIsItsOwnUriAndIsReadInPlace() throws Exception {
        LocalCheckpointStore store = new LocalCheckpointStore(new StoreLocation.Local(dir));
        byte[] bytes = "weights".getBytes();
        Path file = Files.write(Files.createDirectories(dir.resolve("run-1")).resolve("step-1.ckpt"), bytes);

        URI uri = store.put(file, "run-1/step-1.ckpt", sha256(bytes));
        LocalCopy copy = LocalCopy.of(store, uri, sha256(bytes), dir.resolve("unused"), ReadLimits.none());

        assertThat(uri).isEqualTo(file.toAbsolutePath().toUri());
        assertThat(copy).isEqualTo(new LocalCopy(file.toAbsolutePath(), false));
        assertThat(store.holds(uri)).isTrue();
        assertThat(store.holds(dir.getParent().resolve("elsewhere.ckpt").toUri())).isFalse();
    }

    @Test
    void aFileWrittenElsewhereIsCopiedInWithItsSidecarAndDeletedWithIt() throws Exception {
        LocalCheckpointStore store = new LocalCheckpointStore(new StoreLocation.Local(dir.resolve("store")));
        Path staged = Files.write(dir.resolve("step-2.ckpt"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("step-2.ckpt.sha256"), "abc  step-2.ckpt\n");

        URI uri = store.put(staged, "run-1/step-2.ckpt", sha256(new byte[] {1, 2, 3}));
        Path stored = Path.of(uri);
        assertThat(stored).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(stored.resolveSibling("step-2.ckpt.sha256")).exists();

        assertThat(store.exists(uri)).isTrue();
        store.delete(uri);
        store.delete(uri);
        assertThat(store.exists(uri)).isFalse();
        assertThat(stored).doesNotExist();
        assertThat(stored.resolveSibling("step-2.ckpt.sha256")).doesNotExist();
        assertThatThrownBy(() -> store.open(uri)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.put(staged, "../escape.ckpt", "x")).hasMessageContaining("leaves");
    }

    @Test
    void readsAreBoundedAndChecked() throws Exception {
        byte[] bytes = new byte[2 * 1024 * 1024];
        Path file = Files.write(dir.resolve("x.ckpt"), bytes);
        URI uri = file.toUri();
        CheckpointOpener opener = LocalCheckpointStore::openFile;

        assertThatThrownBy(() -> LocalCopy.of(opener, uri, sha256(new byte[1]), dir, ReadLimits.none()))
                .isInstanceOf(ChecksumMismatchException.class);
        assertThatThrownBy(() -> LocalCopy.of(opener, uri, sha256(bytes), dir,
                new ReadLimits(1024, Duration.ofMinutes(1), () -> false))).hasMessageContaining("over the limit");
        assertThatThrownBy(() -> LocalCopy.of(opener, uri, sha256(bytes), dir,
                new ReadLimits(1 << 30, Duration.ofMinutes(1), () -> true))).hasMessageContaining("cancelled");
        assertThatThrownBy(() -> LocalCheckpointStore.openFile(URI.create("file:///dev/zero")))
                .hasMessageContaining("not a regular file");
    }

    @Test
    void resumeAndExportOpenTheStoresObjectsAndFileUrisOnly() throws Exception {
        LocalCheckpointStore store = new LocalCheckpointStore(new StoreLocation.Local(dir.resolve("store")));
        URI inStore = store.put(Files.write(dir.resolve("a.ckpt"), new byte[] {7}), "run/a.ckpt", "x");
        URI elsewhere = Files.write(dir.resolve("old.ckpt"), new byte[] {8, 9}).toUri();
        StoreOrFileOpener opener = new StoreOrFileOpener(store, "checkpoint.store");

        try (Blob a = opener.open(inStore); Blob old = opener.open(elsewhere)) {
            assertThat(a.stream().readAllBytes()).containsExactly(7);
            assertThat(old.size()).isEqualTo(2);
        }
        assertThatThrownBy(() -> opener.open(URI.create("s3://bucket/run/a.ckpt")))
                .hasMessageContaining("set checkpoint.store");
        assertThatThrownBy(() -> new StoreOrFileOpener(null, "--checkpoint-store")
                .open(URI.create("s3://bucket/run/a.ckpt"))).hasMessageContaining("(none given)");
    }

    @Test
    void listingARunShowsItsOwnFilesOnlyNotThoseOfALongerRunIdOrASubDirectory() throws Exception {
        LocalCheckpointStore store = new LocalCheckpointStore(new StoreLocation.Local(dir));
        Path run = Files.createDirectories(dir.resolve("a"));
        Path one = Files.writeString(run.resolve("step-1.ckpt"), "1");
        Path sidecar = Files.writeString(run.resolve("step-1.ckpt.sha256"), "x");
        Files.writeString(Files.createDirectories(run.resolve("sub")).resolve("step-3.ckpt"), "3");
        Files.writeString(Files.createDirectories(dir.resolve("a-2")).resolve("step-2.ckpt"), "2");

        assertThat(store.list("a")).containsExactly(one.toUri(), sidecar.toUri());
        assertThat(store.list("missing")).isEmpty();
        assertThatThrownBy(() -> store.list("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list("a/sub")).isInstanceOf(IllegalArgumentException.class);
    }
}
