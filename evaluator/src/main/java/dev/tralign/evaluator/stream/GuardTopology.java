package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.guard.Finding;
import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.evaluator.guard.RunGuard;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.ReferenceUpdateEvent;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.schemas.avro.WinRate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The guard: win rates, judgments, reference updates and training metrics in, {@link Alert}s on tralign.alerts out
 * (keyed by run id).
 *
 * <pre>
 * win-rates, judgments, reference-updates, train-metrics --merge, key by runId, repartition-->
 *     one processor per run: RunGuard state (store evaluator-guard-runs)
 *                            + latest preference per (run, step, prompt) (store evaluator-guard-preferences)
 *     --> Alert
 * </pre>
 *
 * A checkpoint is checked once, when its WinRate first counts {@code guard.eval_prompts} judgments and KL samples
 * (partial aggregates never alert). The paired drop test across a reference update waits until the later
 * checkpoint's judgments are all in the preference store, whichever topic the processor happened to read first, so
 * the alerts are a function of the topics' contents. Alert timestamps are the input records' timestamps, never
 * the clock. Null values are skipped.
 */
public final class GuardTopology {

    /** Store of each run's guard state. */
    public static final String RUN_STATE = "evaluator-guard-runs";
    /** Store of the latest normalised preference per (run, step, prompt). */
    public static final String PREFERENCES = "evaluator-guard-preferences";

    private GuardTopology() {
    }

    /** The guard over the standard topics; {@code onAlert} sees each alert as it is produced (e.g. a counter). */
    public static Topology topology(Topics topics, GuardConfig config, Consumer<Alert> onAlert) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, topics.winRates(), topics.judgments(), topics.referenceUpdates(), topics.trainMetrics(),
                topics.alerts(), config, onAlert);
        return builder.build();
    }

    /** Adds the guard to a builder. Pure: touches nothing but the builder (and calls {@code onAlert} at run time). */
    public static void build(StreamsBuilder builder, Topic<String, WinRate> winRates, Topic<String, Judgment> judgments,
            Topic<String, ReferenceUpdateEvent> updates, Topic<String, TrainMetrics> metrics,
            Topic<String, Alert> alerts, GuardConfig config, Consumer<Alert> onAlert) {
        Serde<GuardInput> inputSerde = GuardInput.serde(winRates, judgments, updates, metrics);
        KStream<String, GuardInput> merged = source(builder, winRates, "win-rates").mapValues(GuardInput::of,
                        Named.as("guard-wrap-win-rates"))
                .merge(source(builder, judgments, "judgments").mapValues(GuardInput::of,
                        Named.as("guard-wrap-judgments")), Named.as("guard-merge-judgments"))
                .merge(source(builder, updates, "reference-updates").mapValues(GuardInput::of,
                        Named.as("guard-wrap-reference-updates")), Named.as("guard-merge-reference-updates"))
                .merge(source(builder, metrics, "train-metrics").mapValues(GuardInput::of,
                        Named.as("guard-wrap-train-metrics")), Named.as("guard-merge-train-metrics"));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RUN_STATE),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PREFERENCES),
                Serdes.String(), Serdes.Double()));
        merged.map((key, in) -> KeyValue.pair(in.runId(), in), Named.as("guard-key-by-run"))
                .repartition(Repartitioned.with(Serdes.String(), inputSerde).withName("guard-by-run"))
                .process(() -> new Guard(config, onAlert), Named.as("guard"), RUN_STATE, PREFERENCES)
                .to(alerts.name(), Produced.with(alerts.keySerde(), alerts.valueSerde()));
    }

    private static <V> KStream<String, V> source(StreamsBuilder builder, Topic<String, V> topic, String name) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde())
                        .withName("guard-read-" + name))
                .filter((key, value) -> value != null, Named.as("guard-non-null-" + name));
    }

    /** Feeds each run's {@link RunGuard} and publishes what it finds. */
    private static final class Guard implements Processor<String, GuardInput, String, Alert> {
        private final GuardConfig config;
        private final Consumer<Alert> onAlert;
        private ProcessorContext<String, Alert> context;
        private KeyValueStore<String, byte[]> runs;
        private KeyValueStore<String, Double> preferences;

        Guard(GuardConfig config, Consumer<Alert> onAlert) {
            this.config = config;
            this.onAlert = onAlert;
        }

        @Override
        public void init(ProcessorContext<String, Alert> context) {
            this.context = context;
            this.runs = context.getStateStore(RUN_STATE);
            this.preferences = context.getStateStore(PREFERENCES);
        }

        @Override
        public void process(Record<String, GuardInput> record) {
            GuardInput in = record.value();
            if (in == null) {
                return;
            }
            String runId = in.runId();
            byte[] stored = runs.get(runId);
            RunGuard guard = stored == null ? new RunGuard() : RunGuard.decode(stored);
            RunGuard.Preferences lookup = step -> preferencesOf(runId, step);
            List<Finding> found;
            if (in.winRate() != null) {
                WinRate w = in.winRate();
                if (w.getNTotal() < config.evalPrompts() || w.getKlSamples() < config.evalPrompts()
                        || w.getKlToSft() == null || w.getStep() <= guard.lastCheckpoint()) {
                    return;
                }
                found = guard.onCheckpoint(w.getStep(), w.getKlToSft(), config, lookup);
            } else if (in.judgment() != null) {
                Judgment j = in.judgment();
                String key = Keys.of(j.getRunId(), j.getStep(), j.getPromptId());
                OptionalDouble preference = Records.preference(j);
                if (preference.isPresent()) {
                    preferences.put(key, preference.getAsDouble());
                } else {
                    preferences.delete(key);
                }
                found = guard.onJudgment(j.getStep(), config, lookup);
            } else if (in.referenceUpdate() != null) {
                guard.onReferenceUpdate(in.referenceUpdate().getStep(), in.referenceUpdate().getAlpha());
                found = List.of();
            } else {
                TrainMetrics m = in.metrics();
                found = guard.onTrainMetrics(m.getStep(), m.getLoss(), m.getGradNorm(), config);
            }
            runs.put(runId, guard.encode());
            for (Finding f : found) {
                Alert alert = Alert.newBuilder().setRunId(runId).setStep(f.step()).setKind(f.kind())
                        .setSeverity(f.severity()).setMessage(f.message()).setEvidence(new java.util.TreeMap<>(f.evidence()))
                        .setAt(Instant.ofEpochMilli(record.timestamp())).build();
                onAlert.accept(alert);
                context.forward(new Record<>(runId, alert, record.timestamp()));
            }
        }

        private Map<String, Double> preferencesOf(String runId, long step) {
            Map<String, Double> out = new HashMap<>();
            String prefix = Keys.of(runId, step) + "/";
            try (KeyValueIterator<String, Double> it = preferences.prefixScan(prefix, Serdes.String().serializer())) {
                while (it.hasNext()) {
                    KeyValue<String, Double> entry = it.next();
                    out.put(Keys.parts(entry.key).get(2), entry.value);
                }
            }
            return out;
        }
    }
}
