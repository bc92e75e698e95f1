package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guard policies against the real broker: an alert on tralign.alerts, written while the run trains (as the
 * evaluator would, from another process), ends a run whose policy for that kind is stop at its next checkpoint,
 * with the alert in the final event; warn runs and other runs' alerts change nothing; the replay stops at the same
 * step with the same checkpoints; a restart of a stopped run trains nothing.
 */
@ExtendWith(EmbeddedStackExtension.class)
class GuardStopIT {

    @Test
    void aStopPolicyEndsTheRunAtTheNextCheckpointAndTheReplayStopsThereToo(EmbeddedStack stack) throws Exception {
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
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            // The evaluator finds the budget crossed at checkpoint 3 while the trainer is at step 4.
            java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
            service.addProgressListener(r -> {
                if (r.step() == 4 && sent.compareAndSet(false, true)) {
                    publish(stack, topics, alert("guarded", 3, AlertKind.KL_BUDGET));
                    publish(stack, topics, alert("guarded", 3, AlertKind.KL_OSCILLATION));
                }
            });
            summary = service.run();
        }

        // Checkpoints every 3 steps: the alert is committed at step 4, so the run ends at checkpoint 6.
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
