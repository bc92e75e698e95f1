package dev.tralign.trainerservice;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The micro-batches of one optimizer step (gradient_accumulation_steps of them) and what reading them produced.
 *
 * @param microBatches the batches to train, empty when incomplete
 * @param rejected records that go to the DLQ once this group counts as consumed
 * @param positions source positions after the group's last record
 * @param epoch the epoch of those positions
 * @param complete true when the group makes a whole optimizer step
 * @param dataEnded true when a bounded source ran out while filling it (then an incomplete group is the end)
 * @param droppedExamples examples read into an incomplete group at the end of the data (not trained)
 * @param sourceState the source's {@code checkpointState()} after the group's last record
 */
record StepGroup(List<MicroBatch> microBatches, List<Rejected> rejected, Map<TopicPartition, Long> positions,
        int epoch, boolean complete, boolean dataEnded, int droppedExamples, Map<String, String> sourceState) {
}
