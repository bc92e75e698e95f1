package dev.tralign.trainer.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * One Kafka transaction per checkpoint: every pending event, then the input offsets through
 * {@code sendOffsetsToTransaction}. A fenced producer (another trainer took over the run) is fatal; any other
 * failure aborts the transaction and is rethrown: the run stops and a restart resumes from the last commit.
 */
final class KafkaRunOutput implements RunOutput {

    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> consumer;

    KafkaRunOutput(Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer) {
        this.producer = producer;
        this.consumer = consumer;
    }

    @Override
    public void commit(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, Long> positions) {
        producer.beginTransaction();
        try {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            positions.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw new IllegalStateException("another trainer with transactional.id of this run took over (fenced): "
                    + "run one trainer per run.id", e);
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
