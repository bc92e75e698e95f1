package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/** The evaluator's one Streams application: the win-rate topology and, reading its output, the guard. */
public final class EvaluatorTopology {

    private EvaluatorTopology() {
    }

    /** Win rates and guard over the standard topics; {@code onAlert} sees each alert produced. */
    public static Topology of(Topics topics, GuardConfig guard, Consumer<Alert> onAlert) {
        StreamsBuilder builder = new StreamsBuilder();
        WinRateTopology.build(builder, topics.judgments(), topics.winRates());
        GuardTopology.build(builder, topics.winRates(), topics.judgments(), topics.referenceUpdates(),
                topics.trainMetrics(), topics.alerts(), guard, onAlert);
        return builder.build();
    }
}
