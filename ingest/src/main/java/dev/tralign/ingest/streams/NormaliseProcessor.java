package dev.tralign.ingest.streams;

import dev.tralign.ingest.kafka.DeadLetters;
import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Origin;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.ingest.parse.Rejection;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Parses each raw JSON record with the same rules as files and HTTP; the origin is the raw record's
 * topic/partition/offset. Accepted records are re-keyed by content id, rejections by their source partition.
 */
final class NormaliseProcessor implements Processor<byte[], byte[], String, Outcome> {

    private final FeedbackParser parser;
    private ProcessorContext<String, Outcome> context;

    NormaliseProcessor(FeedbackParser parser) {
        this.parser = parser;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow(() ->
                new IllegalStateException("raw records always come from a topic"));
        Origin origin = Origin.kafka(metadata.topic(), metadata.partition(), metadata.offset());
        byte[] value = record.value() == null ? new byte[0] : record.value();
        Outcome outcome;
        try {
            outcome = parser.parse(value, origin, "raw-topic");
        } catch (RuntimeException e) {
            // The parser turns bad input into rejections; anything it throws is a bug, and a bug must not stop
            // the partition either: the record is dead-lettered with the reason and the next one is read.
            outcome = new Outcome.Rejected(new Rejection(ErrorClass.PROCESSING_ERROR, null, "the record could not "
                    + "be processed (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("no message")
                    + "); this is a bug in tralign ingest: please report it with this dead letter", origin, value));
        }
        context.forward(record.withKey(key(outcome)).withValue(outcome));
    }

    private static String key(Outcome outcome) {
        if (outcome instanceof Outcome.Pair p) {
            return p.pair().getId();
        }
        if (outcome instanceof Outcome.Feedback f) {
            return f.feedback().getId();
        }
        return DeadLetters.key(((Outcome.Rejected) outcome).rejection());
    }
}
