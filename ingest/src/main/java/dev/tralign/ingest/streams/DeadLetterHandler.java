package dev.tralign.ingest.streams;

import dev.tralign.ingest.kafka.DeadLetters;
import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.Origin;
import dev.tralign.ingest.parse.Rejection;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.avro.DeadLetter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' deserialization and processing error handler for ingest: the record that failed goes to
 * tralign.dlq as a {@link DeadLetter} (its original bytes and the reason) and processing resumes with the next
 * offset, so one record can never stop the application (every restart would die on it again). Streams writes the
 * dead letter in the same transaction as the offset commit.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    /** Config key under which {@link IngestStreams} hands the handler its dead-letter topic (a {@link Topic}). */
    static final String DLQ_TOPIC_CONFIG = "tralign.dead.letter.topic";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private Topic<String, DeadLetter> dlq;
    private final Clock clock = Clock.systemUTC();

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DLQ_TOPIC_CONFIG);
        if (topic instanceof Topic<?, ?> t) {
            this.dlq = (Topic<String, DeadLetter>) t;
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                               ConsumerRecord<byte[], byte[]> record,
                                                               Exception exception) {
        String reason = "the record could not be deserialized (" + firstLine(exception) + "); it was not written "
                + "by tralign ingest or by a producer using the topic's schema; see docs/ingest.md";
        return DeserializationExceptionHandler.Response.resume(deadLetter(context, record.value(),
                ErrorClass.MALFORMED_RECORD, reason));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        LOG.error("ingest: processing failed on {}/{}@{} at {}; the record goes to the dead-letter topic",
                context.topic(), context.partition(), context.offset(), context.processorNodeId(), exception);
        String reason = "processing failed at step '" + context.processorNodeId() + "' (" + firstLine(exception)
                + "); this is a bug in tralign ingest: please report it with this dead letter";
        return ProcessingExceptionHandler.Response.resume(deadLetter(context, context.sourceRawValue(),
                ErrorClass.PROCESSING_ERROR, reason));
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, byte[] value,
                                                            ErrorClass errorClass, String reason) {
        Origin origin = Origin.kafka(context.topic(), context.partition(), context.offset());
        LOG.warn("ingest: {} dead-lettered: {}", origin.describe(), reason);
        if (dlq == null) {
            return List.of();
        }
        Rejection rejection = new Rejection(errorClass, null, reason, origin, value);
        byte[] key = dlq.keySerde().serializer().serialize(dlq.name(), DeadLetters.key(rejection));
        byte[] letter = dlq.valueSerde().serializer().serialize(dlq.name(), DeadLetters.of(rejection, clock.instant()));
        return List.of(new ProducerRecord<>(dlq.name(), key, letter));
    }

    private static String firstLine(Exception e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("no message");
    }
}
