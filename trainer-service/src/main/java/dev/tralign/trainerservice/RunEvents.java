package dev.tralign.trainerservice;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.ReferenceUpdateEvent;
import dev.tralign.schemas.avro.StepLedger;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.trainer.reference.ReferenceUpdate;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Serialises a run's typed events ({@link RunEvent}) into producer records for the run's topics, keyed by run id
 * (the DLQ by origin): the one place that knows their wire form.
 */
final class RunEvents {

    private final Topics topics;
    private final String runId;

    RunEvents(Topics topics, String runId) {
        this.topics = topics;
        this.runId = runId;
    }

    /** The record an event becomes. */
    ProducerRecord<byte[], byte[]> toRecord(RunEvent event) {
        if (event instanceof RunEvent.Checkpointed c) {
            return record(topics.checkpoints(), runId, c.event());
        }
        if (event instanceof RunEvent.ReferenceUpdated u) {
            return referenceUpdate(u.update(), u.at());
        }
        if (event instanceof RunEvent.MetricsRecorded m) {
            return record(topics.trainMetrics(), runId, TrainMetrics.newBuilder()
                    .setRunId(runId).setStep(m.step()).setLoss(m.loss()).setLearningRate(m.learningRate())
                    .setGradNorm(m.gradNorm()).setTokensPerSecond(m.tokensPerSecond()).setMetrics(m.named())
                    .setAt(m.at()).build());
        }
        if (event instanceof RunEvent.DeadLettered d) {
            return deadLetter(d.rejected(), d.at());
        }
        LedgerEntry entry = (LedgerEntry) event;
        return record(topics.trainerLedger(), runId, StepLedger.newBuilder().setRunId(runId).setStep(entry.step())
                .setEpoch(entry.epoch()).setIds(entry.ids()).setOrigins(entry.origins())
                .setMicroBatchSizes(entry.microBatches()).build());
    }

    private ProducerRecord<byte[], byte[]> deadLetter(Rejected r, Instant at) {
        DeadLetter letter = DeadLetter.newBuilder()
                .setOriginalBytes(ByteBuffer.wrap(r.record().value() == null ? new byte[0] : r.record().value()))
                .setOrigin(r.record().origin())
                .setSourceTopic(r.record().topic())
                .setSourcePartition(r.record().partition())
                .setSourceOffset(r.record().offset())
                .setErrorClass(r.errorClass())
                .setReason(r.reason())
                .setAt(at)
                .build();
        return record(topics.dlq(), r.record().origin(), letter);
    }

    private ProducerRecord<byte[], byte[]> referenceUpdate(ReferenceUpdate u, Instant at) {
        return record(topics.referenceUpdates(), runId, ReferenceUpdateEvent.newBuilder()
                .setRunId(runId).setStep(u.step()).setAlpha(u.alpha()).setTau(u.tau())
                .setReferenceDigest(u.referenceDigest()).setReferenceVersion(u.version()).setAt(at)
                .build());
    }

    private static <V> ProducerRecord<byte[], byte[]> record(Topic<String, V> topic, String key, V value) {
        byte[] k = topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] v = topic.valueSerde().serializer().serialize(topic.name(), value);
        return new ProducerRecord<>(topic.name(), k, v);
    }
}
