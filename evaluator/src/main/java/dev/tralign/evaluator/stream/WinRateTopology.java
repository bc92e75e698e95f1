package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.kl.KlAccumulator;
import dev.tralign.evaluator.kl.SampleLogProbs;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Generation;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.WinRate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Judgments and generations in, one WinRate per (run, step) out, on tralign.win-rates keyed runId/step.
 *
 * <pre>
 * judgments --rekey runId/step/promptId--> KTable (latest judgment per prompt)
 *     --groupBy runId/step--> aggregate(add, subtract) = WinRateAccumulator
 * generations --POLICY with both log-probs, rekey runId/step/promptId/seed--> KTable (latest sample)
 *     --groupBy runId/step--> aggregate(add, subtract) = KlAccumulator
 * WinRateAccumulator LEFT JOIN KlAccumulator --> WinRate (at = the update's record timestamp)
 * </pre>
 *
 * Re-judging the same (run, step, prompt) replaces the old judgment: the table's update retracts the old value
 * (subtractor) before adding the new one, so nothing is counted twice. Input keys are ignored (the key is
 * rebuilt from the value), so producers keying by run id only are fine. Null values are skipped.
 */
public final class WinRateTopology {

    /** Store of the latest judgment per (run, step, prompt). */
    public static final String LATEST_JUDGMENTS = "evaluator-latest-judgments";
    /** Store of the win-rate aggregate per (run, step). */
    public static final String WIN_RATE_AGGREGATES = "evaluator-win-rate-aggregates";
    /** Store of the latest KL sample per (run, step, prompt, seed). */
    public static final String LATEST_SAMPLES = "evaluator-latest-kl-samples";
    /** Store of the KL aggregate per (run, step). */
    public static final String KL_AGGREGATES = "evaluator-kl-aggregates";

    private WinRateTopology() {
    }

    /** The whole topology over the standard topics. */
    public static Topology topology(Topics topics) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, topics.judgments(), topics.generations(), topics.winRates());
        return builder.build();
    }

    /** Adds the win-rate topology to a builder. Pure: touches nothing but the builder. */
    public static void build(StreamsBuilder builder, Topic<String, Judgment> judgments,
            Topic<String, Generation> generations, Topic<String, WinRate> winRates) {
        KTable<String, WinRateAccumulator> judged = winRateAggregates(builder, judgments);
        KTable<String, KlAccumulator> kl = klAggregates(builder, generations);
        judged.leftJoin(kl, Aggregates::new, Named.as("evaluator-join-kl"))
                .toStream(Named.as("evaluator-aggregates"))
                .processValues(ToWinRate::new, Named.as("evaluator-to-win-rate"))
                .to(winRates.name(), Produced.with(winRates.keySerde(), winRates.valueSerde()));
    }

    private static KTable<String, WinRateAccumulator> winRateAggregates(StreamsBuilder builder,
            Topic<String, Judgment> judgments) {
        return builder.stream(judgments.name(), Consumed.with(judgments.keySerde(), judgments.valueSerde()))
                .filter((key, judgment) -> judgment != null, Named.as("evaluator-judgments-non-null"))
                .selectKey((key, judgment) -> Records.judgmentKey(judgment), Named.as("evaluator-key-by-prompt"))
                .toTable(Named.as("evaluator-latest-judgment"),
                        Materialized.<String, Judgment, KeyValueStore<Bytes, byte[]>>as(LATEST_JUDGMENTS)
                                .withKeySerde(Serdes.String()).withValueSerde(judgments.valueSerde()))
                .groupBy((key, judgment) -> KeyValue.pair(
                                Records.winRateKey(judgment.getRunId(), judgment.getStep()), judgment),
                        Grouped.with("evaluator-judgments-by-step", Serdes.String(), judgments.valueSerde()))
                .aggregate(() -> WinRateAccumulator.EMPTY,
                        (step, judgment, aggregate) -> Records.add(aggregate, judgment),
                        (step, judgment, aggregate) -> Records.subtract(aggregate, judgment),
                        Named.as("evaluator-aggregate-judgments"),
                        Materialized.<String, WinRateAccumulator, KeyValueStore<Bytes, byte[]>>as(WIN_RATE_AGGREGATES)
                                .withKeySerde(Serdes.String()).withValueSerde(AccumulatorSerdes.winRate()));
    }

    private static KTable<String, KlAccumulator> klAggregates(StreamsBuilder builder,
            Topic<String, Generation> generations) {
        return builder.stream(generations.name(), Consumed.with(generations.keySerde(), generations.valueSerde()))
                .filter((key, generation) -> generation != null && Records.klSample(generation).isPresent(),
                        Named.as("evaluator-policy-samples"))
                .selectKey((key, g) -> Keys.of(g.getRunId(), g.getStep(), g.getPromptId(), g.getSeed()),
                        Named.as("evaluator-key-by-sample"))
                .toTable(Named.as("evaluator-latest-sample"),
                        Materialized.<String, Generation, KeyValueStore<Bytes, byte[]>>as(LATEST_SAMPLES)
                                .withKeySerde(Serdes.String()).withValueSerde(generations.valueSerde()))
                .groupBy((key, g) -> KeyValue.pair(Records.winRateKey(g.getRunId(), g.getStep()), g),
                        Grouped.with("evaluator-samples-by-step", Serdes.String(), generations.valueSerde()))
                .aggregate(() -> KlAccumulator.EMPTY,
                        (step, g, aggregate) -> sample(g).map(aggregate::add).orElse(aggregate),
                        (step, g, aggregate) -> sample(g).map(aggregate::subtract).orElse(aggregate),
                        Named.as("evaluator-aggregate-kl"),
                        Materialized.<String, KlAccumulator, KeyValueStore<Bytes, byte[]>>as(KL_AGGREGATES)
                                .withKeySerde(Serdes.String()).withValueSerde(AccumulatorSerdes.kl()));
    }

    private static Optional<SampleLogProbs> sample(Generation generation) {
        return Records.klSample(generation);
    }

    /** Both aggregates of one (run, step); KL may be null until a sample arrives. */
    private record Aggregates(WinRateAccumulator judgments, KlAccumulator kl) {
    }

    /** Builds the WinRate record; the only step that needs the record's key and timestamp. */
    private static final class ToWinRate implements FixedKeyProcessor<String, Aggregates, WinRate> {
        private FixedKeyProcessorContext<String, WinRate> context;

        @Override
        public void init(FixedKeyProcessorContext<String, WinRate> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, Aggregates> record) {
            if (record.value() == null || record.value().judgments() == null) {
                return;
            }
            List<String> parts = Keys.parts(record.key());
            WinRate winRate = Records.winRate(parts.get(0), Long.parseLong(parts.get(1)),
                    record.value().judgments(), record.value().kl(), Instant.ofEpochMilli(record.timestamp()));
            context.forward(record.withValue(winRate));
        }
    }
}
