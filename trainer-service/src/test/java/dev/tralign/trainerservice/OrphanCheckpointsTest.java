package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.CheckpointEvent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrphanCheckpointsTest {

    private static final String RUN = "s3://bucket/runs/a/";

    private static CheckpointEvent event(long step, String uri) {
        return CheckpointEvent.newBuilder().setRunId("a").setStep(step).setUri(uri).setSha256("00")
                .setConfigDigest("c").setCreatedAt(Instant.now()).setMetadata(Map.of("end", "periodic")).build();
    }

    private static URI object(String name) {
        return URI.create(RUN + name);
    }

    @Test
    void onlyCheckpointsAfterTheLastCommittedStepAreOrphans() {
        // Retention deleted 2 and kept 4 (best) and 6; 7 and 12 were uploaded by transactions that never committed.
        List<CheckpointEvent> committed = List.of(event(2, RUN + "step-2.ckpt"), event(4, RUN + "step-4.ckpt"),
                event(6, RUN + "step-6.ckpt"), event(6, RUN + "step-6.ckpt"));
        List<URI> listed = List.of(object("step-1.ckpt"), object("step-4.ckpt"), object("step-6.ckpt"),
                object("step-7.ckpt"), object("step-12.ckpt"), object("notes.txt"), object("step-9.ckpt.bak"));

        assertThat(OrphanCheckpoints.inStore(listed, committed))
                .containsExactly(object("step-7.ckpt"), object("step-12.ckpt"));
    }

    @Test
    void anObjectACommittedEventNamesIsNeverAnOrphanWhateverItsName() {
        // An event at step 3 naming a file called step-8 (e.g. copied by hand): named, so kept.
        List<CheckpointEvent> committed = List.of(event(3, RUN + "step-8.ckpt"));

        assertThat(OrphanCheckpoints.inStore(List.of(object("step-8.ckpt"), object("step-9.ckpt")), committed))
                .containsExactly(object("step-9.ckpt"));
    }

    @Test
    void aRunWithoutAnyCommittedCheckpointSweepsNothing() {
        assertThat(OrphanCheckpoints.inStore(List.of(object("step-3.ckpt")), List.of())).isEmpty();
        assertThat(OrphanCheckpoints.staged(List.of(Path.of("/c/a/step-3.ckpt")), List.of())).isEmpty();
    }

    @Test
    void stagingFilesAfterTheLastStepGoWithTheirSidecarsAndCrashedTemporaryFiles() {
        Path dir = Path.of("/staging/a");
        List<Path> files = List.of(dir.resolve("step-6.ckpt"), dir.resolve("step-6.ckpt.sha256"),
                dir.resolve("step-7.ckpt"), dir.resolve("step-7.ckpt.sha256"), dir.resolve("step-9.ckpt.123.tmp"),
                dir.resolve("step-9.ckpt.sha256.456.tmp"), dir.resolve("step-5.ckpt.789.tmp"),
                dir.resolve("other.bin"));

        assertThat(OrphanCheckpoints.staged(files, List.of(event(6, dir.resolve("step-6.ckpt").toUri().toString()))))
                .containsExactly(dir.resolve("step-7.ckpt"), dir.resolve("step-7.ckpt.sha256"),
                        dir.resolve("step-9.ckpt.123.tmp"), dir.resolve("step-9.ckpt.sha256.456.tmp"));
    }

    @Test
    void theRunEndsForGoodOnlyWithAFinalCompletedOrGuardStoppedCheckpoint() {
        CheckpointEvent periodic = event(6, RUN + "step-6.ckpt");
        java.util.function.BiFunction<Boolean, String, CheckpointEvent> ending = (last, end) ->
                CheckpointEvent.newBuilder(periodic).setFinal$(last).setMetadata(Map.of("end", end)).build();

        assertThat(CheckpointKeeper.endsForGood(ending.apply(true, "completed"))).isTrue();
        assertThat(CheckpointKeeper.endsForGood(ending.apply(true, TrainingLoop.GUARD_STOP))).isTrue();
        // Stopped by hand (or undecided guard): it resumes and checkpoints again; the next start sweeps.
        assertThat(CheckpointKeeper.endsForGood(ending.apply(true, "stopped"))).isFalse();
        assertThat(CheckpointKeeper.endsForGood(ending.apply(false, "completed"))).isFalse();
        assertThat(CheckpointKeeper.endsForGood(periodic)).isFalse();
    }
}
