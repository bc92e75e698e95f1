package dev.tralign.evaluator.stream;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.WinRate;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Evaluation records in, one WinRate per (run, step) out, on tralign.win-rates keyed runId/step.
 *
 * <pre>
 * judgments --rekey runId/step/promptId--> KTable (latest evaluation record per prompt)
 *     --groupBy runId/step--> aggregate(add, subtract) = CheckpointAggregate (verdicts and KL samples)
 *     --> WinRate (at = the update's record timestamp; LC per {@link LengthControlFits})
 * </pre>
 *
 * Each Judgment is one (run, step, prompt)'s evaluation record: its verdict and, when the evaluator sampled the
 * candidate, the sample's log-probs under the policy and SFT; win rate and KL come from the same record in one
 * aggregate, so no second stream is joined back. Re-judging the same (run, step, prompt) replaces the old record: the
 * table's update retracts the old value (subtractor) before adding the new one, so nothing is counted twice. Input
 * keys are ignored (the key is rebuilt from the value), so producers keying by run id only are fine. Null values are
 * skipped.
 *
 * <p>The length-controlled win rate is fitted once a checkpoint holds the eval set's {@code evalPrompts} prompts
 * (the guard's {@code guard.eval_prompts}), not on every update: earlier records carry it as null
 * ({@link LengthControlFits}). Without the set's size ({@link #topology(Topics)}) it is fitted on every update.
 */
public final class WinRateTopology {

    /** Store of the latest evaluation record per (run, step, prompt). */
    public static final String LATEST_JUDGMENTS = "evaluator-latest-judgments";
    /** Store of the aggregate (win rate and KL) per (run, step). */
    public static final String CHECKPOINT_AGGREGATES = "evaluator-checkpoint-aggregates";

    private WinRateTopology() {
    }

    /**
     * The whole topology over the standard topics, fitting LC on every update (for tools and tests that do not know
     * the eval set's size: O(n) fits per checkpoint of n prompts).
     */
    public static Topology topology(Topics topics) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, topics.judgments(), topics.winRates(), LengthControlFits::everyUpdate);
        return builder.build();
    }

    /** The whole topology over the standard topics, fitting LC once a checkpoint holds evalPrompts prompts. */
    public static Topology topology(Topics topics, int evalPrompts) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, topics.judgments(), topics.winRates(), evalPrompts);
        return builder.build();
    }

    /**
     * Adds the win-rate topology to a builder, fitting LC once a checkpoint holds {@code evalPrompts} prompts.
     * Pure: touches nothing but the builder.
     *
     * @throws IllegalArgumentException if evalPrompts is below 1
     */
    public static void build(StreamsBuilder builder, Topic<String, Judgment> judgments,
            Topic<String, WinRate> winRates, int evalPrompts) {
        LengthControlFits.whenComplete(evalPrompts); // validate now, not in the first task
        build(builder, judgments, winRates, () -> LengthControlFits.whenComplete(evalPrompts));
    }

    /** As above with the LC schedule given: one instance per stream task. */
    static void build(StreamsBuilder builder, Topic<String, Judgment> judgments, Topic<String, WinRate> winRates,
            Supplier<LengthControlFits> lengthControl) {
        builder.stream(judgments.name(), Consumed.with(judgments.keySerde(), judgments.valueSerde()))
                .filter((key, judgment) -> judgment != null, Named.as("evaluator-judgments-non-null"))
                .selectKey((key, judgment) -> Records.judgmentKey(judgment), Named.as("evaluator-key-by-prompt"))
                .toTable(Named.as("evaluator-latest-judgment"),
                        Materialized.<String, Judgment, KeyValueStore<Bytes, byte[]>>as(LATEST_JUDGMENTS)
                                .withKeySerde(Serdes.String()).withValueSerde(judgments.valueSerde()))
                .groupBy((key, judgment) -> KeyValue.pair(
                                Records.winRateKey(judgment.getRunId(), judgment.getStep()), judgment),
                        Grouped.with("evaluator-judgments-by-step", Serdes.String(), judgments.valueSerde()))
                .aggregate(() -> CheckpointAggregate.EMPTY,
                        (step, judgment, aggregate) -> aggregate.add(judgment),
                        (step, judgment, aggregate) -> aggregate.subtract(judgment),
                        Named.as("evaluator-aggregate-judgments"),
                        Materialized.<String, CheckpointAggregate, KeyValueStore<Bytes, byte[]>>as(
                                        CHECKPOINT_AGGREGATES)
                                .withKeySerde(Serdes.String()).withValueSerde(AccumulatorSerdes.checkpoint()))
                .toStream(Named.as("evaluator-aggregates"))
                .processValues(() -> new ToWinRate(lengthControl.get()), Named.as("evaluator-to-win-rate"))
                .to(winRates.name(), Produced.with(winRates.keySerde(), winRates.valueSerde()));
    }

    /** Builds the WinRate record; the only step that needs the record's key and timestamp. */
    private static final class ToWinRate implements FixedKeyProcessor<String, CheckpointAggregate, WinRate> {
        private final LengthControlFits lengthControl;
        private FixedKeyProcessorContext<String, WinRate> context;

        ToWinRate(LengthControlFits lengthControl) {
            this.lengthControl = lengthControl;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, WinRate> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, CheckpointAggregate> record) {
            if (record.value() == null) {
                return;
            }
            List<String> parts = Keys.parts(record.key());
            WinRate winRate = Records.winRate(parts.get(0), Long.parseLong(parts.get(1)), record.value(),
                    lengthControl.of(record.key(), record.value()), Instant.ofEpochMilli(record.timestamp()));
            context.forward(record.withValue(winRate));
        }
    }
}
