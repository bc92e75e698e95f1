package dev.tralign.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.schemas.avro.CheckpointEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounds on reading a checkpoint file (issue #19 D5): each unreadable case is a reason, never a hang or a crash. */
class CheckpointSourceTest {

    @TempDir
    Path dir;

    private static CheckpointEvent event(String uri, String sha256) {
        return CheckpointEvent.newBuilder().setRunId("r").setStep(1).setUri(uri).setSha256(sha256)
                .setConfigDigest("c").setCreatedAt(Instant.now()).build();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static CheckpointSource source(long maxBytes, Duration hashTimeout) {
        return new CheckpointSource(maxBytes, hashTimeout, () -> false);
    }

    @Test
    void aMatchingFileIsVerified() throws Exception {
        byte[] bytes = new byte[3 * 1024 * 1024 + 5];
        Path file = Files.write(dir.resolve("ok.ckpt"), bytes);

        assertThat(source(1 << 30, Duration.ofMinutes(1)).verify(event(file.toUri().toString(), sha256(bytes))))
                .isEqualTo(file);
    }

    @Test
    void everyUnreadableCaseIsAReason() throws Exception {
        byte[] bytes = new byte[4 * 1024 * 1024];
        Path file = Files.write(dir.resolve("big.ckpt"), bytes);
        String sha = sha256(bytes);
        CheckpointSource source = source(1 << 30, Duration.ofMinutes(1));

        assertThatThrownBy(() -> source.verify(event("http://host/x.ckpt", sha)))
                .hasMessageContaining("scheme").hasMessageContaining("http://host/x.ckpt");
        assertThatThrownBy(() -> source.verify(event("file:///dev/zero", sha))).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> source.verify(event(dir.resolve("none").toUri().toString(), sha)))
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> source.verify(event("not a uri", sha))).hasMessageContaining("not a URI");
        assertThatThrownBy(() -> source(1024, Duration.ofMinutes(1)).verify(event(file.toUri().toString(), sha)))
                .hasMessageContaining("over the evaluator's limit of 1024");
        assertThatThrownBy(() -> source(1 << 30, Duration.ZERO).verify(event(file.toUri().toString(), sha)))
                .hasMessageContaining("took longer than");
        assertThatThrownBy(() -> new CheckpointSource(1 << 30, Duration.ofMinutes(1), () -> true)
                .verify(event(file.toUri().toString(), sha))).hasMessageContaining("closing");
        Files.write(file, new byte[10]);
        assertThatThrownBy(() -> source.verify(event(file.toUri().toString(), sha)))
                .hasMessageContaining("the event says");
    }
}
