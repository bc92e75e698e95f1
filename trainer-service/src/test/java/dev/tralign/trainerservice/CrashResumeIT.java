package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kills a trainer JVM with SIGKILL at random steps and restarts it; the committed ledger and the final checkpoint
 * must equal those of a run that was never interrupted.
 */
@ExtendWith(EmbeddedStackExtension.class)
class CrashResumeIT {

    private static final Duration STEP_DEADLINE = Duration.ofSeconds(120);
    /** Kills per run: 5 in CI; a longer opt-in run with -Dtralign.crash.kills=20. */
    private static final int KILLS = Integer.getInteger("tralign.crash.kills", 5);
    /**
     * Kills land at steps 1..TOTAL_STEPS-1: anywhere, including while the final checkpoint is being completed (a kill
     * that lands after it committed leaves a completed run, which the restart must recognise).
     */
    private static final int KILL_MARGIN = 1;
    /** 32 pairs in batches of 4 are 8 steps an epoch; enough epochs for KILLS distinct kill points. */
    private static final int EPOCHS = Math.max(2, (KILLS + KILL_MARGIN + 7) / 8);
    private static final int TOTAL_STEPS = 8 * EPOCHS;

    @Test
    void killedAtRandomStepsTrainsEveryPairExactlyOnceInTheSameBatches(EmbeddedStack stack) throws Exception {
        String prefix = "crash.";
        Topics topics = PreferenceData.topics(stack, prefix, 2);
        List<PreferencePair> pairs = PreferenceData.pairs(32, 23);
        PreferenceData.write(stack, topics, pairs, 2, List.of());
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "crash");

        Path reference = config(stack, prefix, "uninterrupted", dir);
        Child clean = Child.start(reference, dir.resolve("uninterrupted.log"));
        assertThat(clean.awaitExit()).as(clean.describe()).isZero();

        Path crashy = config(stack, prefix, "killed", dir);
        TreeSet<Integer> killAt = new TreeSet<>();
        Random random = new Random(System.nanoTime());
        while (killAt.size() < KILLS) {
            killAt.add(1 + random.nextInt(TOTAL_STEPS - KILL_MARGIN));
        }
        List<Child> children = new ArrayList<>();
        List<Integer> killed = new ArrayList<>();
        for (int target : killAt) {
            Child child = Child.start(crashy, dir.resolve("killed-" + children.size() + ".log"));
            children.add(child);
            await().atMost(STEP_DEADLINE).pollInterval(Duration.ofMillis(5))
                    .until(() -> child.step() >= target || !child.process.isAlive());
            if (!child.process.isAlive()) {
                // The previous kill landed after the final checkpoint committed: this JVM found the run completed.
                assertThat(child.process.exitValue()).as(child.describe()).isZero();
                assertThat(child.output()).contains("already completed at step " + TOTAL_STEPS);
                break;
            }
            child.kill();
            killed.add(target);
        }
        Child last = Child.start(crashy, dir.resolve("killed-final.log"));
        children.add(last);
        assertThat(last.awaitExit()).as(last.describe()).isZero();
        assertThat(killed).as("kills that landed before the run completed").isNotEmpty();
        // STEP t >= 4 is printed only after step 3's checkpoint committed, so the next JVM must resume, not restart.
        for (int i = 0; i < killed.size(); i++) {
            if (killed.get(i) >= 4) {
                // Never a fresh start. A kill near the end can land after the child committed its final checkpoint
                // (a step takes ~20 ms): then the next JVM finds the run completed, as correct as resuming it.
                assertThat(children.get(i + 1).output()).as("restart after the kill at step %d", killed.get(i))
                        .containsAnyOf("resuming from step", "already completed at step " + TOTAL_STEPS);
            }
        }

        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        List<LedgerEntry> expected = PreferenceData.ledger(stack, prefix, "uninterrupted");
        List<LedgerEntry> actual = PreferenceData.ledger(stack, prefix, "killed");
        assertThat(expected).hasSize(TOTAL_STEPS);
        assertThat(actual).as("killed at steps %s", killed).containsExactlyElementsOf(expected);
        Map<String, Integer> timesTrained = new HashMap<>();
        actual.forEach(e -> e.ids().forEach(id -> timesTrained.merge(id, 1, Integer::sum)));
        assertThat(timesTrained).hasSize(32).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(EPOCHS));

        CheckpointEvent cleanEnd = finalEvent(kafka, topics, "uninterrupted");
        CheckpointEvent killedEnd = finalEvent(kafka, topics, "killed");
        assertThat(killedEnd.getStep()).isEqualTo(TOTAL_STEPS);
        System.out.printf("CrashResumeIT final checkpoint: uninterrupted %s policy %s, killed %s policy %s%n",
                cleanEnd.getSha256(), cleanEnd.getMetadata().get("policy.digest"), killedEnd.getSha256(),
                killedEnd.getMetadata().get("policy.digest"));
        // Bit-identical to never having stopped: policy, reference, optimizer state, step and RNG, all in the file.
        assertThat(killedEnd.getMetadata().get("policy.digest")).as("policy digest, killed at steps %s", killed)
                .isEqualTo(cleanEnd.getMetadata().get("policy.digest"));
        assertThat(killedEnd.getSha256()).as("final checkpoint sha256, killed at steps %s", killed)
                .isEqualTo(cleanEnd.getSha256());
        List<Long> steps = RunHistory.checkpoints(kafka, topics.checkpoints(), "killed").stream()
                .map(CheckpointEvent::getStep).toList();
        assertThat(steps).isSorted();
        topics.close();
    }

    private static CheckpointEvent finalEvent(Map<String, Object> kafka, Topics topics, String runId) {
        List<CheckpointEvent> events = RunHistory.checkpoints(kafka, topics.checkpoints(), runId);
        CheckpointEvent last = events.get(events.size() - 1);
        assertThat(last.getFinal$()).isTrue();
        return last;
    }

    private static Path config(EmbeddedStack stack, String prefix, String runId, Path dir) throws IOException {
        Map<String, String> settings = PreferenceData.settings(stack, prefix, runId, dir);
        settings.put("epochs", Integer.toString(EPOCHS));
        Properties p = new Properties();
        p.putAll(settings);
        Path file = dir.resolve(runId + ".properties");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        return file;
    }

    /** A TrainerProcess JVM whose stdout is watched for STEP lines. */
    private static final class Child {
        private final Process process;
        private final AtomicLong step = new AtomicLong();
        private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Path stderr;

        private Child(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            Thread reader = new Thread(this::read, "child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Path config, Path stderr) throws IOException {
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-Dai.djl.offline=true",
                    "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", classpath,
                    TrainerProcess.class.getName(), config.toString());
            pb.redirectError(stderr.toFile());
            return new Child(pb.start(), stderr);
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                    if (line.startsWith("STEP ")) {
                        step.set(Long.parseLong(line.substring(5).trim()));
                    }
                }
            } catch (IOException e) {
                // the process was killed: its pipe closes
            }
        }

        long step() {
            return step.get();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(STEP_DEADLINE.toSeconds() * 2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        String describe() {
            try {
                String err = Files.exists(stderr) ? Files.readString(stderr) : "";
                List<String> out;
                synchronized (lines) {
                    out = List.copyOf(lines.subList(Math.max(0, lines.size() - 40), lines.size()));
                }
                return "stdout tail:\n" + String.join("\n", out) + "\nstderr tail:\n"
                        + err.substring(Math.max(0, err.length() - 4000));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
