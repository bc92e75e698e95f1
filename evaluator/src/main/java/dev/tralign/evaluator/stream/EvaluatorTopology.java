package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.guard.ChampionConfig;
import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.ChampionVerdict;
import dev.tralign.schemas.avro.ModelPromotion;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.Topology;

/**
 * The evaluator's one Streams application: the win-rate topology and, reading its output, the guard (alerts and
 * verdicts) and champion promotion. The win-rate topology fits the length-controlled win rate once a checkpoint
 * holds {@code guard.eval_prompts} prompts, the same count the guard waits for.
 */
public final class EvaluatorTopology {

    private EvaluatorTopology() {
    }

    /**
     * Settings every run of this application needs beside the caller's (application id, brokers, state dir): a
     * record on an input topic that does not decode (not Avro, an unknown schema) is logged and skipped instead of
     * stopping win rates, guard and champions for every run. Returns {@code props}.
     */
    public static Properties robust(Properties props) {
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        return props;
    }

    /** Win rates, guard and champions over the standard topics; the consumers see each alert and promotion. */
    public static Topology of(Topics topics, GuardConfig guard, ChampionConfig champion, Consumer<Alert> onAlert,
            Consumer<ModelPromotion> onPromotion) {
        return of(topics, guard, champion, onAlert, onPromotion, verdict -> { });
    }

    /** As above; {@code onChampionVerdict} sees each champion decision, after the promotion it caused. */
    public static Topology of(Topics topics, GuardConfig guard, ChampionConfig champion, Consumer<Alert> onAlert,
            Consumer<ModelPromotion> onPromotion, Consumer<ChampionVerdict> onChampionVerdict) {
        StreamsBuilder builder = new StreamsBuilder();
        WinRateTopology.build(builder, topics.judgments(), topics.winRates(), guard.evalPrompts());
        GuardTopology.build(builder, topics.winRates(), topics.judgments(), topics.referenceUpdates(),
                topics.trainMetrics(), topics.alerts(), topics.guardVerdicts(), guard, onAlert);
        ChampionTopology.build(builder, topics.winRates(), topics.judgments(), topics.checkpoints(),
                topics.promotions(), topics.championVerdicts(), champion, onPromotion, onChampionVerdict);
        return builder.build();
    }
}
