package dev.tralign.ingest.streams;

import dev.tralign.ingest.kafka.DeadLetters;
import dev.tralign.ingest.parse.ContentIds;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.PreferencePair;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;

/** The ingest Kafka Streams topologies, each built by one pure method that only touches a StreamsBuilder. */
public final class IngestTopologies {

    private IngestTopologies() {
    }

    /**
     * raw JSON -> typed records or dead letters. Reads {@code topics.raw()}, writes pairs to preferences, feedback
     * to feedback and rejections (with topic/partition/offset and the original bytes) to the DLQ.
     */
    public static void normaliser(StreamsBuilder builder, Topics topics, FeedbackParser parser, Clock clock) {
        KStream<String, Outcome> outcomes = builder
                .stream(topics.raw().name(), Consumed.with(topics.raw().keySerde(), topics.raw().valueSerde())
                        .withName("raw-json"))
                .process(() -> new NormaliseProcessor(parser), Named.as("normalise"));
        outcomes.filter((key, outcome) -> outcome instanceof Outcome.Pair, Named.as("accepted-pairs"))
                .mapValues(outcome -> ((Outcome.Pair) outcome).pair(), Named.as("to-pair"))
                .to(topics.preferences().name(), Produced.with(topics.preferences().keySerde(),
                        topics.preferences().valueSerde()));
        outcomes.filter((key, outcome) -> outcome instanceof Outcome.Feedback, Named.as("accepted-feedback"))
                .mapValues(outcome -> ((Outcome.Feedback) outcome).feedback(), Named.as("to-feedback"))
                .to(topics.feedback().name(), Produced.with(topics.feedback().keySerde(),
                        topics.feedback().valueSerde()));
        outcomes.filter((key, outcome) -> outcome instanceof Outcome.Rejected, Named.as("rejected"))
                .mapValues(outcome -> DeadLetters.of(((Outcome.Rejected) outcome).rejection(), clock.instant()),
                        Named.as("to-dead-letter"))
                .to(topics.dlq().name(), Produced.with(topics.dlq().keySerde(), topics.dlq().valueSerde()));
    }

    /**
     * feedback -> preference pairs: a DESIRABLE and an UNDESIRABLE completion for the same (trimmed) prompt whose
     * timestamps are at most {@code window} apart become a pair, desirable = chosen. A self-join of the feedback
     * stream re-keyed by prompt hash; each (up, down) combination is emitted once, when its later half arrives.
     * Feedback itself stays on its topic, paired or not.
     */
    public static void pairing(StreamsBuilder builder, Topics topics, Duration window) {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("--pair-window must be a positive duration such as PT1H, was " + window);
        }
        KStream<String, BinaryFeedback> byPrompt = builder
                .stream(topics.feedback().name(), Consumed.with(topics.feedback().keySerde(),
                        topics.feedback().valueSerde()).withName("feedback"))
                .selectKey((id, feedback) -> ContentIds.promptKey(feedback.getPrompt()), Named.as("key-by-prompt"))
                .repartition(Repartitioned.<String, BinaryFeedback>as("feedback-by-prompt")
                        .withKeySerde(Serdes.String()).withValueSerde(topics.feedback().valueSerde()));
        byPrompt.join(byPrompt, FeedbackPairing::pair, JoinWindows.ofTimeDifferenceWithNoGrace(window),
                        StreamJoined.<String, BinaryFeedback, BinaryFeedback>with(Serdes.String(),
                                topics.feedback().valueSerde(), topics.feedback().valueSerde())
                                .withName("pair-feedback").withStoreName("pair-feedback"))
                .filter((promptKey, pair) -> pair != null, Named.as("formed-pairs"))
                .selectKey((promptKey, pair) -> pair.getId(), Named.as("key-by-pair-id"))
                .to(topics.preferences().name(), Produced.<String, PreferencePair>with(
                        topics.preferences().keySerde(), topics.preferences().valueSerde()).withName("paired"));
    }
}
