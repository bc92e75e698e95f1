package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.GuardVerdict;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guard policies against the real broker. The test plays the evaluator's guard: when the trainer has trained step 6
 * (checkpoint 3 committed), another thread publishes, in one transaction as the guard does, a KL_BUDGET alert about
 * checkpoint 3 and the verdict on it. A run whose policy for that kind is stop waits at checkpoint 6 for that
 * verdict, so it ends exactly there, with the alert in the final event, however late the alert comes; warn runs and
 * other runs' alerts change nothing; the replay stops at the same step with the same checkpoints without waiting;
 * a restart of a stopped run trains nothing. Without a verdict before guard.verdict_timeout the run ends with a
 * resumable checkpoint (at once when asked to stop meanwhile), and a restart goes on once the verdicts are there.
 */
@ExtendWith(EmbeddedStackExtension.class)
class GuardStopIT {

    @Test
    void aStopPolicyWaitsForTheVerdictAndEndsTheRunOneCheckpointAfterTheAlert(EmbeddedStack stack) throws Exception {
        String prefix = "guard.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        PreferenceData.write(stack, topics, PreferenceData.pairs(60, 5), 1, List.of());
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ckpt");
        // Another run's alert of the same kind is already on the topic: it must not stop this one.
        publish(stack, topics, alert("someone-else", 3, AlertKind.KL_BUDGET));
        Map<String, String> settings = PreferenceData.settings(stack, prefix, "guarded", dir);
        settings.put("guard.kl_budget.policy", "stop");
        settings.put("max_steps", "15");

        RunSummary summary;
        Thread evaluator;
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            // Step 6 is trained, so checkpoint 3 was committed long ago; the guard's word about it comes only now,
            // while the trainer goes on to its checkpoint 6 (a trainer that did not wait would train past it).
            AtomicReference<Thread> started = new AtomicReference<>();
            service.addProgressListener(r -> {
                if (r.step() == 6 && started.get() == null) {
                    Thread t = new Thread(() -> publishTogether(stack, topics, List.of(
                            alert("guarded", 3, AlertKind.KL_BUDGET), alert("guarded", 3, AlertKind.KL_OSCILLATION)),
                            verdict("guarded", 3)), "test-guard");
                    started.set(t);
                    t.start();
                }
            });
            summary = service.run();
            evaluator = started.get();
        }
        evaluator.join(30_000);

        // Checkpoints every 3 steps: the alert is about checkpoint 3, so the run ends at checkpoint 6.
        assertThat(summary.steps()).isEqualTo(6);
        assertThat(summary.completed()).isFalse();
        List<CheckpointEvent> checkpoints = summary.checkpoints();
        assertThat(checkpoints).extracting(CheckpointEvent::getStep).containsExactly(3L, 6L);
        CheckpointEvent last = checkpoints.get(1);
        assertThat(last.getFinal$()).isTrue();
        assertThat(last.getMetadata()).containsEntry("end", "guard-stop");
        assertThat(last.getStopReason()).startsWith("KL_BUDGET at step 3: ").contains("over the budget");
        assertThat(checkpoints.get(0).getStopReason()).isNull();

        // Restarting a stopped run trains nothing.
        try (TrainerService again = new TrainerService(RunConfig.of(settings))) {
            RunSummary second = again.run();
            assertThat(second.steps()).isEqualTo(6);
            assertThat(second.checkpoints()).isEmpty();
        }

        // The replay repeats the recorded stop, bit for bit, without asking the alerts topic.
        Map<String, String> connection = Map.of("bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.registryUrl(), "topic.prefix", prefix, "checkpoint.dir", dir.toString());
        ReplayReport report = Replay.run(connection, "guarded", "guarded-replay");
        assertThat(report.checkpoints()).extracting(CheckpointComparison::step).containsExactly(3L, 6L);
        assertThat(report.allMatch()).as(report.toText()).isTrue();
        List<CheckpointEvent> replayed = RunHistory.checkpoints(Map.of("bootstrap.servers", stack.bootstrapServers()),
                topics.checkpoints(), "guarded-replay");
        assertThat(replayed.get(replayed.size() - 1).getStopReason()).isEqualTo(last.getStopReason());

        // The same alert with the default policy (warn) is only a report: the run trains to max_steps.
        Map<String, String> warned = PreferenceData.settings(stack, prefix, "warned", dir);
        warned.put("max_steps", "9");
        publish(stack, topics, alert("warned", 3, AlertKind.KL_BUDGET));
        try (TrainerService service = new TrainerService(RunConfig.of(warned))) {
            RunSummary warnedSummary = service.run();
            assertThat(warnedSummary.steps()).isEqualTo(9);
            assertThat(warnedSummary.completed()).isTrue();
        }
        topics.close();
    }

    @Test
    void withoutAVerdictInTimeTheRunEndsResumableAndARestartGoesOn(EmbeddedStack stack) throws Exception {
        String prefix = "blind.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        PreferenceData.write(stack, topics, PreferenceData.pairs(60, 7), 1, List.of());
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ckpt");
        Map<String, String> settings = PreferenceData.settings(stack, prefix, "blind", dir);
        settings.put("guard.kl_budget.policy", "stop");
        settings.put("guard.verdict_timeout", "2s");
        settings.put("max_steps", "9");

        // No evaluator: checkpoint 3 has nothing to wait for, checkpoint 6 waits 2 s for a verdict on 3.
        long started = System.nanoTime();
        RunSummary first;
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            first = service.run();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(first.steps()).isEqualTo(6);
        assertThat(first.completed()).isFalse();
        assertThat(first.checkpoints()).extracting(CheckpointEvent::getStep).containsExactly(3L, 6L);
        CheckpointEvent last = first.checkpoints().get(1);
        assertThat(last.getFinal$()).isTrue();
        assertThat(last.getMetadata()).containsEntry("end", "stopped");
        assertThat(last.getStopReason()).isNull();

        // Asked to stop while it would wait (10 minutes here), a run does not wait: it ends resumable at once.
        Map<String, String> patient = PreferenceData.settings(stack, prefix, "patient", dir);
        patient.put("guard.kl_budget.policy", "stop");
        patient.put("guard.verdict_timeout", "10m");
        patient.put("max_steps", "9");
        long askedAt;
        RunSummary stopped;
        try (TrainerService service = new TrainerService(RunConfig.of(patient))) {
            long[] asked = {0};
            service.addProgressListener(r -> {
                if (r.step() == 6 && asked[0] == 0) {
                    asked[0] = System.nanoTime();
                    service.stop();
                }
            });
            stopped = service.run();
            askedAt = asked[0];
        }
        assertThat(Duration.ofNanos(System.nanoTime() - askedAt)).isLessThan(Duration.ofMinutes(1));
        assertThat(stopped.steps()).isEqualTo(6);
        assertThat(stopped.checkpoints().get(stopped.checkpoints().size() - 1).getMetadata())
                .containsEntry("end", "stopped");

        // The evaluator is back and has judged both: the restart goes on from step 6 to max_steps.
        publishTogether(stack, topics, List.of(), verdict("blind", 3));
        publishTogether(stack, topics, List.of(), verdict("blind", 6));
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            RunSummary second = service.run();
            assertThat(second.steps()).isEqualTo(9);
            assertThat(second.completed()).isTrue();
            assertThat(second.checkpoints()).extracting(CheckpointEvent::getStep).contains(9L);
            assertThat(second.checkpoints()).allSatisfy(c -> assertThat(c.getStopReason()).isNull());
        }
        topics.close();
    }

    private static GuardVerdict verdict(String runId, long step) {
        return GuardVerdict.newBuilder().setRunId(runId).setStep(step).setAt(Instant.EPOCH).build();
    }

    /** Alerts and a verdict in one transaction, as the guard's exactly-once Streams application commits them. */
    private static void publishTogether(EmbeddedStack stack, Topics topics, List<Alert> alerts, GuardVerdict verdict) {
        Properties p = new Properties();
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("transactional.id", "test-guard-" + java.util.UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Alert alert : alerts) {
                producer.send(new ProducerRecord<>(topics.alerts().name(),
                        topics.alerts().keySerde().serializer().serialize(topics.alerts().name(), alert.getRunId()),
                        topics.alerts().valueSerde().serializer().serialize(topics.alerts().name(), alert)));
            }
            String name = topics.guardVerdicts().name();
            producer.send(new ProducerRecord<>(name, topics.guardVerdicts().keySerde().serializer().serialize(name,
                    verdict.getRunId()), topics.guardVerdicts().valueSerde().serializer().serialize(name, verdict)));
            producer.commitTransaction();
        }
    }

    private static Alert alert(String runId, long step, AlertKind kind) {
        return Alert.newBuilder().setRunId(runId).setStep(step).setKind(kind).setSeverity(AlertSeverity.CRITICAL)
                .setMessage("KL to SFT 12.00 nats is over the budget 10.00 at step " + step)
                .setEvidence(Map.of("kl_to_sft", 12.0, "budget", 10.0)).setAt(Instant.EPOCH).build();
    }

    private static void publish(EmbeddedStack stack, Topics topics, Alert alert) {
        Properties p = new Properties();
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.alerts().name(),
                    topics.alerts().keySerde().serializer().serialize(topics.alerts().name(), alert.getRunId()),
                    topics.alerts().valueSerde().serializer().serialize(topics.alerts().name(), alert))).get();
        } catch (Exception e) {
            throw new IllegalStateException("the test alert was not written", e);
        }
    }
}
