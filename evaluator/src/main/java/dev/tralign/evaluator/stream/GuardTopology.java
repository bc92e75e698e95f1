package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.guard.Finding;
import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.evaluator.guard.RunGuard;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.GuardVerdict;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.ReferenceUpdateEvent;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.schemas.avro.WinRate;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The guard: win rates, judgments, reference updates and training metrics (with the held-out SFT NLL) in,
 * {@link Alert}s on tralign.alerts and {@link GuardVerdict}s on tralign.guard-verdicts out (both keyed by run id).
 *
 * <pre>
 * win-rates, judgments, reference-updates, train-metrics --merge, key by runId, repartition-->
 *     one processor per run: RunGuard state (store evaluator-guard-runs)
 *                            + latest preference per (run, step, prompt) (store evaluator-guard-preferences)
 *     --> Alert, then GuardVerdict once a checkpoint is settled
 * </pre>
 *
 * A checkpoint is checked once, when its WinRate first counts {@code guard.eval_prompts} judgments and KL samples
 * (partial aggregates never alert). The paired drop test across a reference update waits until the later
 * checkpoint's judgments are all in the preference store, whichever topic the processor happened to read first, so
 * the alerts are a function of the topics' contents. Alert timestamps are the input records' timestamps, never
 * the clock. Null values are skipped.
 *
 * <p>A checkpoint is settled when it is checked and no paired drop test waits for its judgments; then a verdict
 * (run, step) follows its alerts, forwarded by the same processor, so under exactly-once both are in one
 * transaction: a read_committed reader that sees the verdict sees every checkpoint alert up to that step. Each
 * train-metrics record is followed the same way by a verdict whose metricsStep is its step, for the
 * training-metric signatures; every verdict carries both watermarks (RunGuard state). A trainer with a stop policy
 * waits for them (docs/guard-rails.md). Verdicts only grow: a checkpoint skipped because a later one was checked
 * first is covered by the later one's verdict.
 */
public final class GuardTopology {

    /** Store of each run's guard state. */
    public static final String RUN_STATE = "evaluator-guard-runs";
    /** Store of the latest normalised preference per (run, step, prompt). */
    public static final String PREFERENCES = "evaluator-guard-preferences";
    /**
     * TrainMetrics names of the reference task the trainer publishes (metrics.heldout_sft.*): the policy's NLL on
     * the held-out SFT set, and the starting model's in the run's first record.
     */
    public static final String SFT_NLL = "eval/sft_nll";
    public static final String SFT_NLL_START = "eval/sft_nll_start";

    private GuardTopology() {
    }

    /** The guard over the standard topics; {@code onAlert} sees each alert as it is produced (e.g. a counter). */
    public static Topology topology(Topics topics, GuardConfig config, Consumer<Alert> onAlert) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, topics.winRates(), topics.judgments(), topics.referenceUpdates(), topics.trainMetrics(),
                topics.alerts(), topics.guardVerdicts(), config, onAlert);
        return builder.build();
    }

    /** Adds the guard to a builder. Pure: touches nothing but the builder (and calls {@code onAlert} at run time). */
    public static void build(StreamsBuilder builder, Topic<String, WinRate> winRates, Topic<String, Judgment> judgments,
            Topic<String, ReferenceUpdateEvent> updates, Topic<String, TrainMetrics> metrics,
            Topic<String, Alert> alerts, Topic<String, GuardVerdict> verdicts, GuardConfig config,
            Consumer<Alert> onAlert) {
        List<Topic<String, ? extends SpecificRecord>> sources = List.of(winRates, judgments, updates, metrics);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RUN_STATE),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(PreferenceStore.builder(PREFERENCES));
        KStream<String, SpecificRecord> out = merged(builder, sources, "guard", GuardTopology::runId)
                .process(() -> new Guard(config, onAlert), Named.as("guard"), RUN_STATE, PREFERENCES);
        toTwoTopics(out, "guard", Alert.class, alerts, GuardVerdict.class, verdicts);
    }

    /**
     * Writes a processor's mixed output: records of {@code firstType} to {@code first}, the others (all of
     * {@code restType}) to {@code rest}. One task forwards both, so under exactly-once they commit together.
     */
    static <A extends SpecificRecord, B extends SpecificRecord> void toTwoTopics(KStream<String, SpecificRecord> out,
            String name, Class<A> firstType, Topic<String, A> first, Class<B> restType, Topic<String, B> rest) {
        out.split(Named.as(name + "-out-"))
                .branch((key, value) -> firstType.isInstance(value), Branched.<String, SpecificRecord>withConsumer(
                        s -> s.mapValues(firstType::cast, Named.as(name + "-as-" + first.name()))
                                .to(first.name(), Produced.with(first.keySerde(), first.valueSerde())
                                        .withName(name + "-write-" + first.name()))).withName("first"))
                .defaultBranch(Branched.<String, SpecificRecord>withConsumer(
                        s -> s.mapValues(restType::cast, Named.as(name + "-as-" + rest.name()))
                                .to(rest.name(), Produced.with(rest.keySerde(), rest.valueSerde())
                                        .withName(name + "-write-" + rest.name()))).withName("rest"));
    }

    /**
     * The sources merged into one stream of envelopes keyed by {@code key}, repartitioned so one task sees every
     * record of a key in one order. Null values are dropped.
     */
    static KStream<String, Envelope> merged(StreamsBuilder builder,
            List<Topic<String, ? extends SpecificRecord>> sources, String name,
            java.util.function.Function<SpecificRecord, String> key) {
        KStream<String, Envelope> merged = null;
        for (int i = 0; i < sources.size(); i++) {
            Topic<String, ? extends SpecificRecord> topic = sources.get(i);
            int source = i;
            KStream<String, Envelope> one = builder.stream(topic.name(),
                            Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name + "-read-" + topic.name()))
                    .filter((k, value) -> value != null, Named.as(name + "-non-null-" + topic.name()))
                    .mapValues(value -> new Envelope(source, value), Named.as(name + "-wrap-" + topic.name()));
            merged = merged == null ? one : merged.merge(one, Named.as(name + "-merge-" + topic.name()));
        }
        return merged.map((k, envelope) -> KeyValue.pair(key.apply(envelope.value()), envelope),
                        Named.as(name + "-key"))
                .repartition(Repartitioned.with(Serdes.String(), Envelope.serde(sources)).withName(name + "-by-key"));
    }

    private static String runId(SpecificRecord value) {
        if (value instanceof WinRate w) {
            return w.getRunId();
        }
        if (value instanceof Judgment j) {
            return j.getRunId();
        }
        if (value instanceof ReferenceUpdateEvent u) {
            return u.getRunId();
        }
        return ((TrainMetrics) value).getRunId();
    }

    /** Feeds each run's {@link RunGuard} and publishes what it finds, then the verdict on a settled checkpoint. */
    private static final class Guard implements Processor<String, Envelope, String, SpecificRecord> {
        private final GuardConfig config;
        private final Consumer<Alert> onAlert;
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, byte[]> runs;
        private PreferenceStore preferences;

        Guard(GuardConfig config, Consumer<Alert> onAlert) {
            this.config = config;
            this.onAlert = onAlert;
        }

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
            this.runs = context.getStateStore(RUN_STATE);
            this.preferences = new PreferenceStore(context.getStateStore(PREFERENCES));
        }

        @Override
        public void process(Record<String, Envelope> record) {
            if (record.value() == null) {
                return;
            }
            SpecificRecord in = record.value().value();
            String runId = runId(in);
            byte[] stored = runs.get(runId);
            RunGuard guard = stored == null ? new RunGuard() : RunGuard.decode(stored);
            long settledBefore = guard.settledCheckpoint();
            long metricsBefore = guard.metricsStep();
            RunGuard.Preferences lookup = step -> preferences.of(runId, step);
            List<Finding> found;
            if (in instanceof WinRate w) {
                if (w.getNTotal() < config.evalPrompts() || w.getKlSamples() < config.evalPrompts()
                        || w.getKlToSft() == null || w.getStep() <= guard.lastCheckpoint()) {
                    return;
                }
                long previous = guard.lastCheckpoint();
                found = guard.onCheckpoint(w.getStep(), w.getKlToSft(), w.getWinRate(), config, lookup);
                // The next drop test compares this checkpoint with a later one, and a test still waiting for
                // judgments compares two earlier ones: older verdicts are done with.
                preferences.forgetBefore(runId, guard.earliestStepNeeded(previous));
            } else if (in instanceof Judgment j) {
                preferences.record(j);
                found = guard.onJudgment(j.getStep(), config, lookup);
            } else if (in instanceof ReferenceUpdateEvent u) {
                guard.onReferenceUpdate(u.getStep(), u.getAlpha());
                found = List.of();
            } else {
                TrainMetrics m = (TrainMetrics) in;
                found = new java.util.ArrayList<>(guard.onTrainMetrics(m.getStep(), m.getLoss(), m.getGradNorm(),
                        config));
                found.addAll(guard.onReferenceTask(m.getStep(), m.getMetrics().get(SFT_NLL_START),
                        m.getMetrics().get(SFT_NLL), config));
            }
            runs.put(runId, guard.encode());
            for (Finding f : found) {
                Alert alert = Alert.newBuilder().setRunId(runId).setStep(f.step()).setKind(f.kind())
                        .setSeverity(f.severity()).setMessage(f.message()).setEvidence(new java.util.TreeMap<>(f.evidence()))
                        .setAt(Instant.ofEpochMilli(record.timestamp())).build();
                onAlert.accept(alert);
                context.forward(new Record<>(runId, alert, record.timestamp()));
            }
            // Verdict: either watermark moved. It carries both, so the latest record of a run says it all.
            if (guard.settledCheckpoint() != settledBefore || guard.metricsStep() != metricsBefore) {
                GuardVerdict verdict = GuardVerdict.newBuilder().setRunId(runId).setStep(guard.settledCheckpoint())
                        .setMetricsStep(guard.metricsStep()).setAt(Instant.ofEpochMilli(record.timestamp())).build();
                context.forward(new Record<>(runId, verdict, record.timestamp()));
            }
        }
    }
}
