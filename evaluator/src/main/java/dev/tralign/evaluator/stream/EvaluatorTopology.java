package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.guard.ChampionConfig;
import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.ModelPromotion;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * The evaluator's one Streams application: the win-rate topology and, reading its output, the guard (alerts) and
 * champion promotion.
 */
public final class EvaluatorTopology {

    private EvaluatorTopology() {
    }

    /** Win rates, guard and champions over the standard topics; the consumers see each alert and promotion. */
    public static Topology of(Topics topics, GuardConfig guard, ChampionConfig champion, Consumer<Alert> onAlert,
            Consumer<ModelPromotion> onPromotion) {
        StreamsBuilder builder = new StreamsBuilder();
        WinRateTopology.build(builder, topics.judgments(), topics.winRates());
        GuardTopology.build(builder, topics.winRates(), topics.judgments(), topics.referenceUpdates(),
                topics.trainMetrics(), topics.alerts(), guard, onAlert);
        ChampionTopology.build(builder, topics.winRates(), topics.judgments(), topics.checkpoints(),
                topics.promotions(), champion, onPromotion);
        return builder.build();
    }
}
