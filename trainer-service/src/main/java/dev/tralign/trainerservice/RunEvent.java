package dev.tralign.trainerservice;

import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.trainer.reference.ReferenceUpdate;
import java.time.Instant;
import java.util.Map;

/**
 * What a run publishes, as typed values: the training loop makes them, a {@link RunOutput} commits them with the
 * input positions, and only the Kafka output turns them into records ({@link RunEvents}).
 */
public sealed interface RunEvent permits RunEvent.Checkpointed, RunEvent.ReferenceUpdated, RunEvent.MetricsRecorded,
        RunEvent.DeadLettered, LedgerEntry {

    /** A checkpoint file was written; its event goes out with everything pending since the last one. */
    record Checkpointed(CheckpointEvent event) implements RunEvent {
    }

    /** The trust-region updater mixed or copied the policy into the reference at {@code at}. */
    record ReferenceUpdated(ReferenceUpdate update, Instant at) implements RunEvent {
    }

    /**
     * One optimizer step's numbers (every metrics.every_steps steps): mean loss of its micro-batches, the learning
     * rate and pre-clip gradient norm of the step, throughput, and the objective's metrics averaged over the
     * micro-batches under TRL's names.
     */
    record MetricsRecorded(long step, double loss, double learningRate, double gradNorm, double tokensPerSecond,
            Map<String, Double> named, Instant at) implements RunEvent {

        public MetricsRecorded {
            named = Map.copyOf(named);
        }
    }

    /** An input record that will not be trained on, bound for the dead-letter topic. */
    record DeadLettered(Rejected rejected, Instant at) implements RunEvent {
    }
}
