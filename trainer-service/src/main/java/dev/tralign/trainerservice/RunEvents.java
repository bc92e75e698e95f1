package dev.tralign.trainerservice;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.ReferenceUpdateEvent;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.trainer.reference.ReferenceUpdate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Serialises a run's events into producer records for the run's topics (keyed by run id, the DLQ by origin). */
final class RunEvents {

    private final Topics topics;
    private final String runId;
    private final String ledgerTopic;

    RunEvents(Topics topics, String runId) {
        this.topics = topics;
        this.runId = runId;
        this.ledgerTopic = topics.prefix() + LedgerEntry.TOPIC_SUFFIX;
    }

    String ledgerTopic() {
        return ledgerTopic;
    }

    ProducerRecord<byte[], byte[]> deadLetter(Rejected r) {
        DeadLetter letter = DeadLetter.newBuilder()
                .setOriginalBytes(ByteBuffer.wrap(r.record().value() == null ? new byte[0] : r.record().value()))
                .setOrigin(r.record().origin())
                .setSourceTopic(r.record().topic())
                .setSourcePartition(r.record().partition())
                .setSourceOffset(r.record().offset())
                .setErrorClass(r.errorClass())
                .setReason(r.reason())
                .setAt(Instant.now())
                .build();
        return record(topics.dlq(), r.record().origin(), letter);
    }

    ProducerRecord<byte[], byte[]> referenceUpdate(ReferenceUpdate u) {
        return record(topics.referenceUpdates(), runId, ReferenceUpdateEvent.newBuilder()
                .setRunId(runId).setStep(u.step()).setAlpha(u.alpha()).setTau(u.tau())
                .setReferenceDigest(u.referenceDigest()).setReferenceVersion(u.version()).setAt(Instant.now())
                .build());
    }

    ProducerRecord<byte[], byte[]> metrics(long step, double loss, double learningRate, double gradNorm,
            double tokensPerSecond, Map<String, Double> named) {
        return record(topics.trainMetrics(), runId, TrainMetrics.newBuilder()
                .setRunId(runId).setStep(step).setLoss(loss).setLearningRate(learningRate).setGradNorm(gradNorm)
                .setTokensPerSecond(tokensPerSecond).setMetrics(Map.copyOf(named)).setAt(Instant.now()).build());
    }

    ProducerRecord<byte[], byte[]> ledger(LedgerEntry entry) {
        return new ProducerRecord<>(ledgerTopic, bytes(runId), bytes(entry.toLine()));
    }

    ProducerRecord<byte[], byte[]> checkpoint(CheckpointEvent event) {
        return record(topics.checkpoints(), runId, event);
    }

    private static <V> ProducerRecord<byte[], byte[]> record(Topic<String, V> topic, String key, V value) {
        byte[] k = topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] v = topic.valueSerde().serializer().serialize(topic.name(), value);
        return new ProducerRecord<>(topic.name(), k, v);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
