package dev.tralign.ingest.kafka;

import dev.tralign.ingest.parse.Outcome;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import java.time.Clock;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Routes each outcome to its topic as serialized bytes: pairs to preferences and feedback to feedback (keyed by
 * content id), rejections to the DLQ. Serializing here lets one byte-array producer (and one transaction) span
 * all three topics.
 */
public final class OutcomeRecords {

    private final Topics topics;
    private final Clock clock;

    /** @param topics the topic set (names and serdes); @param clock stamps dead letters */
    public OutcomeRecords(Topics topics, Clock clock) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The producer record for one outcome. */
    public ProducerRecord<byte[], byte[]> toRecord(Outcome outcome) {
        if (outcome instanceof Outcome.Pair p) {
            return record(topics.preferences(), p.pair().getId(), p.pair());
        }
        if (outcome instanceof Outcome.Feedback f) {
            return record(topics.feedback(), f.feedback().getId(), f.feedback());
        }
        Outcome.Rejected r = (Outcome.Rejected) outcome;
        return record(topics.dlq(), DeadLetters.key(r.rejection()), DeadLetters.of(r.rejection(), clock.instant()));
    }

    private static <V> ProducerRecord<byte[], byte[]> record(Topic<String, V> topic, String key, V value) {
        return new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value));
    }
}
