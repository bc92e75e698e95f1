package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.stack.S3rverPeer;
import dev.tralign.store.S3CheckpointStore;
import dev.tralign.store.StoreLocation;
import dev.tralign.trainerservice.config.RunConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * checkpoint.sweep_orphans against a real broker and a real S3-protocol server (s3rver), and with a local directory
 * store: an object a crash left between upload and commit (put here into the store under the run's key, as the
 * crashed process did, with no event) is deleted when the run starts again, and when it ends for good; objects
 * committed events name, and those of a run whose id starts the same, stay.
 */
@ExtendWith(EmbeddedStackExtension.class)
class OrphanSweepIT {

    private static final String BUCKET = "tralign-sweep";

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

    private Map<String, String> s3Settings(EmbeddedStack stack, String prefix, String runId) {
        return PreferenceData.withS3Store(PreferenceData.settings(stack, prefix, runId, dir.resolve("staging")), peer,
                BUCKET);
    }

    private static URI object(String key) {
        return URI.create("s3://" + BUCKET + "/runs/" + key);
    }

    /** What a crash between upload and commit leaves: the object in the store, no event naming it. */
    private void uploadWithoutCommit(S3CheckpointStore store, String key) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "upload", ".ckpt"), "weights of " + key);
        store.put(file, key, "00");
    }

    private static List<CheckpointEvent> events(EmbeddedStack stack, Topics topics, String runId) {
        return RunHistory.checkpoints(Map.of("bootstrap.servers", stack.bootstrapServers()), topics.checkpoints(),
                runId);
    }

    @Test
    void s3ObjectsNoCommittedEventNamesAreSweptAtRestartAndAtTheEndOthersStay(EmbeddedStack stack) throws Exception {
        String prefix = "sweep1.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        PreferenceData.write(stack, topics, PreferenceData.pairs(24, 11), 1, List.of());
        RunConfig config = RunConfig.of(s3Settings(stack, prefix, "sw"));
        try (S3CheckpointStore store = new S3CheckpointStore((StoreLocation.S3) config.checkpointStore(),
                config.checkpointS3())) {
            try (TrainerService service = new TrainerService(config)) {
                service.addProgressListener(r -> {
                    if (r.step() >= 2) {
                        service.stop();
                    }
                });
                assertThat(service.run().steps()).isEqualTo(2);
            }
            // The process that went on crashed after uploading steps 4 and 5 (the resumed run checkpoints 3 and 6,
            // so it would never overwrite them) and after staging step 5; run "sw-2" shares the start of the id.
            uploadWithoutCommit(store, "sw/step-4.ckpt");
            uploadWithoutCommit(store, "sw/step-5.ckpt");
            uploadWithoutCommit(store, "sw-2/step-4.ckpt");
            Path staged = Files.writeString(config.checkpointDir().resolve("step-5.ckpt"), "staged");
            Files.writeString(config.checkpointDir().resolve("step-5.ckpt.sha256"), "00");

            AtomicReference<List<Boolean>> atFirstStep = new AtomicReference<>();
            try (TrainerService service = new TrainerService(config)) {
                service.addProgressListener(r -> {
                    try {
                        if (atFirstStep.get() == null) {
                            atFirstStep.set(List.of(store.exists(object("sw/step-4.ckpt")),
                                    store.exists(object("sw/step-5.ckpt")), Files.exists(staged)));
                        }
                        if (r.step() == 4) {
                            // A fenced older process finishing a late upload: the end of the run sweeps it.
                            uploadWithoutCommit(store, "sw/step-8.ckpt");
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                RunSummary resumed = service.run();
                assertThat(resumed.resumedFromStep()).isEqualTo(2);
                assertThat(resumed.completed()).isTrue();
            }

            assertThat(atFirstStep.get()).as("step-4, step-5 and the staged step-5 at the resumed run's first step")
                    .containsExactly(false, false, false);
            assertThat(store.exists(object("sw/step-8.ckpt"))).as("late upload after the end").isFalse();
            List<CheckpointEvent> events = events(stack, topics, "sw");
            assertThat(events).extracting(CheckpointEvent::getStep).containsExactly(2L, 3L, 6L, 6L);
            for (CheckpointEvent e : events) {
                assertThat(store.exists(URI.create(e.getUri()))).as(e.getUri()).isTrue();
            }
            assertThat(store.exists(object("sw-2/step-4.ckpt"))).isTrue();
            assertThat(config.checkpointDir().resolve("step-6.ckpt")).exists();

            // A completed run restarted: with checkpoint.sweep_orphans=false the orphan stays, else it goes.
            uploadWithoutCommit(store, "sw/step-7.ckpt");
            Map<String, String> off = s3Settings(stack, prefix, "sw");
            off.put("checkpoint.sweep_orphans", "false");
            try (TrainerService service = new TrainerService(RunConfig.of(off))) {
                assertThat(service.run().resumedFromStep()).isEqualTo(6);
            }
            assertThat(store.exists(object("sw/step-7.ckpt"))).isTrue();
            try (TrainerService service = new TrainerService(config)) {
                assertThat(service.run().resumedFromStep()).isEqualTo(6);
            }
            assertThat(store.exists(object("sw/step-7.ckpt"))).isFalse();
            assertThat(store.list("sw")).containsExactlyElementsOf(List.of(object("sw/step-2.ckpt"),
                    object("sw/step-3.ckpt"), object("sw/step-6.ckpt")));
            assertThat(store.exists(object("sw-2/step-4.ckpt"))).isTrue();
        }
        topics.close();
    }

    @Test
    void aCompletedRunInADirectoryStoreSweepsItsOrphanedFilesOnlyAtRestart(EmbeddedStack stack) throws Exception {
        String prefix = "sweep2.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        PreferenceData.write(stack, topics, PreferenceData.pairs(24, 12), 1, List.of());
        Path store = dir.resolve("store");
        RunConfig config = RunConfig.of(PreferenceData.settings(stack, prefix, "dl", store));
        try (TrainerService service = new TrainerService(config)) {
            assertThat(service.run().completed()).isTrue();
        }
        Path run = config.checkpointDir();
        // A crash while writing step 9 and after storing step 7, and a run "dl-2" next door.
        Path orphan = Files.writeString(run.resolve("step-7.ckpt"), "weights");
        Path sidecar = Files.writeString(run.resolve("step-7.ckpt.sha256"), "00");
        Path temporary = Files.writeString(run.resolve("step-9.ckpt.1234.tmp"), "half");
        Path neighbour = Files.writeString(Files.createDirectories(store.resolve("dl-2")).resolve("step-7.ckpt"), "x");

        try (TrainerService service = new TrainerService(config)) {
            assertThat(service.run().resumedFromStep()).isEqualTo(6);
        }

        assertThat(orphan).doesNotExist();
        assertThat(sidecar).doesNotExist();
        assertThat(temporary).doesNotExist();
        assertThat(neighbour).exists();
        List<CheckpointEvent> events = events(stack, topics, "dl");
        assertThat(events).extracting(CheckpointEvent::getStep).containsExactly(3L, 6L, 6L);
        for (CheckpointEvent e : events) {
            assertThat(Path.of(URI.create(e.getUri()))).exists();
            assertThat(Path.of(URI.create(e.getUri() + ".sha256"))).exists();
        }
        topics.close();
    }
}
