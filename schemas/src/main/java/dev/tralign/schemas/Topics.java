package dev.tralign.schemas;

import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.ChampionVerdict;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.schemas.avro.EvaluationTask;
import dev.tralign.schemas.avro.Generation;
import dev.tralign.schemas.avro.GuardVerdict;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.avro.ReferenceUpdateEvent;
import dev.tralign.schemas.avro.StepLedger;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.schemas.registry.SchemaRegistryClient;
import dev.tralign.schemas.serde.AvroSerde;
import dev.tralign.schemas.serde.SerdeConfig;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The set of tralign topics, named from one prefix (default {@value #DEFAULT_PREFIX}), each with its serdes.
 * An injected object, not static state: tests and several runs on one broker each make their own. Keys are
 * String ids (pair or feedback id, run id); values are Avro, except {@link #raw()} which carries the bytes any
 * producer wrote. All Avro serdes share one registry client. Close it to release that client.
 */
public final class Topics implements AutoCloseable {

    /** The prefix used when none is configured. */
    public static final String DEFAULT_PREFIX = "tralign.";

    /**
     * Topics a replay or a resume reads back to a run's first step: its inputs (a run's batches are a function of
     * their offsets), its checkpoint events and its ledger. Deleting old records would make old runs unreplayable, and
     * compaction would shift the offsets a run recorded (docs/operations.md, "Replay in production").
     */
    private static final Map<String, String> KEPT_FOREVER = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1");
    /**
     * Topics whose latest record per key says it all: every guard verdict carries both of the run's watermarks, so
     * compaction keeps a resumed run's verdict after the retention period.
     */
    private static final Map<String, String> COMPACTED =
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    private final String prefix;
    private final SchemaRegistryClient client;
    private final boolean ownsClient;
    private final Topic<String, PreferencePair> preferences;
    private final Topic<String, PreferencePair> preferencesOnline;
    private final Topic<String, BinaryFeedback> feedback;
    private final Topic<String, DeadLetter> dlq;
    private final Topic<byte[], byte[]> raw;
    private final Topic<String, CheckpointEvent> checkpoints;
    private final Topic<String, ReferenceUpdateEvent> referenceUpdates;
    private final Topic<String, TrainMetrics> trainMetrics;
    private final Topic<String, Generation> generations;
    private final Topic<String, EvaluationTask> evaluationTasks;
    private final Topic<String, Judgment> judgments;
    private final Topic<String, WinRate> winRates;
    private final Topic<String, StepLedger> trainerLedger;
    private final Topic<String, Alert> alerts;
    private final Topic<String, GuardVerdict> guardVerdicts;
    private final Topic<String, ModelPromotion> promotions;
    private final Topic<String, ChampionVerdict> championVerdicts;

    private Topics(String prefix, SchemaRegistryClient client, boolean ownsClient, Map<String, ?> serdeConfig) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "' may only hold letters, digits, '.', "
                    + "'_' and '-' (Kafka's topic name rules): pick another prefix, e.g. 'tralign.'");
        }
        this.prefix = prefix;
        this.client = client;
        this.ownsClient = ownsClient;
        this.preferences = avro("preferences", PreferencePair.class, serdeConfig);
        this.preferencesOnline = avro("preferences.online", PreferencePair.class, serdeConfig);
        this.feedback = avro("feedback", BinaryFeedback.class, serdeConfig);
        this.dlq = avro("dlq", DeadLetter.class, serdeConfig);
        this.raw = new Topic<>(prefix + "raw", Serdes.ByteArray(), Serdes.ByteArray());
        this.checkpoints = avro("checkpoints", CheckpointEvent.class, serdeConfig);
        this.referenceUpdates = avro("reference-updates", ReferenceUpdateEvent.class, serdeConfig);
        this.trainMetrics = avro("train-metrics", TrainMetrics.class, serdeConfig);
        this.generations = avro("generations", Generation.class, serdeConfig);
        this.evaluationTasks = avro("eval-tasks", EvaluationTask.class, serdeConfig);
        this.judgments = avro("judgments", Judgment.class, serdeConfig);
        this.winRates = avro("win-rates", WinRate.class, serdeConfig);
        this.trainerLedger = avro("trainer-ledger", StepLedger.class, serdeConfig);
        this.alerts = avro("alerts", Alert.class, serdeConfig);
        this.guardVerdicts = avro("guard-verdicts", GuardVerdict.class, serdeConfig);
        this.promotions = avro("promotions", ModelPromotion.class, serdeConfig);
        this.championVerdicts = avro("champion-verdicts", ChampionVerdict.class, serdeConfig);
    }

    /**
     * Topics whose serdes talk to the registry named in {@code serdeConfig} (Confluent's keys:
     * {@code schema.registry.url}, {@code auto.register.schemas}, {@code use.latest.version}, basic auth).
     */
    public static Topics create(String prefix, Map<String, ?> serdeConfig) {
        return new Topics(prefix, SerdeConfig.from(serdeConfig).newClient(), true, serdeConfig);
    }

    /** Topics with the default prefix over a registry URL. */
    public static Topics create(String registryUrl) {
        return create(DEFAULT_PREFIX, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
    }

    /** Topics over a given client (e.g. an in-memory one); the caller keeps ownership of the client. */
    public static Topics create(String prefix, SchemaRegistryClient client, Map<String, ?> serdeConfig) {
        return new Topics(prefix, client, false, serdeConfig);
    }

    /** Default-prefix topics over a given client with auto-registration, for TopologyTestDriver tests. */
    public static Topics forTests(SchemaRegistryClient client) {
        return create(DEFAULT_PREFIX, client, Map.of());
    }

    private <V extends SpecificRecord> Topic<String, V> avro(String suffix, Class<V> type, Map<String, ?> config) {
        Serde<V> value = AvroSerde.of(client, type, config, false);
        return new Topic<>(prefix + suffix, Serdes.String(), value);
    }

    /** The prefix every name starts with. */
    public String prefix() {
        return prefix;
    }

    /** The registry client the Avro serdes share. */
    public SchemaRegistryClient registryClient() {
        return client;
    }

    /** Offline preference pairs from ingest, keyed by pair id. */
    public Topic<String, PreferencePair> preferences() {
        return preferences;
    }

    /** Preference pairs made from judgments of the policy's own samples, keyed by pair id. */
    public Topic<String, PreferencePair> preferencesOnline() {
        return preferencesOnline;
    }

    /** Unpaired thumbs up/down, keyed by feedback id. */
    public Topic<String, BinaryFeedback> feedback() {
        return feedback;
    }

    /** Input that could not be accepted, with the reason. */
    public Topic<String, DeadLetter> dlq() {
        return dlq;
    }

    /** JSON feedback as any producer wrote it; bytes kept exact so dead letters hold the original. */
    public Topic<byte[], byte[]> raw() {
        return raw;
    }

    /** One event per committed checkpoint, keyed by run id. */
    public Topic<String, CheckpointEvent> checkpoints() {
        return checkpoints;
    }

    /** One event per trust-region reference update, keyed by run id. */
    public Topic<String, ReferenceUpdateEvent> referenceUpdates() {
        return referenceUpdates;
    }

    /** Training metrics, keyed by run id. */
    public Topic<String, TrainMetrics> trainMetrics() {
        return trainMetrics;
    }

    /** Sampled completions with their prompt text (the online loop's samples), keyed by run id. */
    public Topic<String, Generation> generations() {
        return generations;
    }

    /**
     * Shards of checkpoint evaluations for the evaluator workers of {@code group}, keyed runId/step/shard: one topic
     * per evaluator group ({@code <prefix>eval-tasks.<group>}), so two evaluator deployments on one cluster never
     * take each other's tasks. Not in {@link #all()}: the group's task planner creates it with as many partitions
     * as workers may share it.
     */
    public Topic<String, EvaluationTask> evaluationTasks(String group) {
        if (group == null || !group.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("evaluator group '" + group + "' names its task topic, so it may only "
                    + "hold letters, digits, '.', '_' and '-': pick another group id");
        }
        return new Topic<>(evaluationTasks.name() + "." + group, evaluationTasks.keySerde(),
                evaluationTasks.valueSerde());
    }

    /** Evaluation records (Judgment: verdict and the candidate's log-probs) per (run, step, prompt). */
    public Topic<String, Judgment> judgments() {
        return judgments;
    }

    /** Aggregated win rates per run and step, keyed by run id. */
    public Topic<String, WinRate> winRates() {
        return winRates;
    }

    /** What each optimizer step of a run trained on (a streaming run replays from it), keyed by run id. */
    public Topic<String, StepLedger> trainerLedger() {
        return trainerLedger;
    }

    /** Failure signatures of runs (KL over budget, oscillating KL, ...), keyed by run id. */
    public Topic<String, Alert> alerts() {
        return alerts;
    }

    /**
     * The guard's watermark per run, keyed by run id: the checkpoints up to a step are fully checked and their
     * alerts committed (a trainer with a stop policy waits for it, so its stop lands one checkpoint after the alert).
     */
    public Topic<String, GuardVerdict> guardVerdicts() {
        return guardVerdicts;
    }

    /** Champion changes per run family, keyed by family. */
    public Topic<String, ModelPromotion> promotions() {
        return promotions;
    }

    /**
     * The champion race's decision on each fully evaluated checkpoint, keyed by family; committed with (or after) the
     * promotion it caused, so a reader that sees it knows the champion as of that checkpoint.
     */
    public Topic<String, ChampionVerdict> championVerdicts() {
        return championVerdicts;
    }

    /** Every topic, in pipeline order. */
    public List<Topic<?, ?>> all() {
        return List.of(raw, preferences, preferencesOnline, feedback, dlq, checkpoints, referenceUpdates,
                trainMetrics, generations, judgments, winRates, alerts, guardVerdicts, promotions, championVerdicts);
    }

    /**
     * How to create every tralign topic: those of {@link #all()} in the same order, then {@link #trainerLedger()}.
     * The one place that knows each topic's configs (see {@link #specOf}).
     */
    public List<TopicSpec> specs() {
        List<TopicSpec> out = new java.util.ArrayList<>(all().stream().map(this::specOf).toList());
        out.add(specOf(trainerLedger));
        return List.copyOf(out);
    }

    /**
     * How to create {@code topic}: the input topics, the checkpoint events and the trainer's ledger are kept forever
     * (a replay or resume reads them back to a run's first step), the guard verdicts compacted; every other topic
     * takes the broker's defaults. Champion verdicts and promotions are not compacted: a family's runs share one key
     * there, and a reader waiting for a checkpoint's decision needs that checkpoint's record, not the family's latest.
     */
    public TopicSpec specOf(Topic<?, ?> topic) {
        List<Topic<?, ?>> keptForever = List.of(preferences, preferencesOnline, feedback, checkpoints, trainerLedger);
        Map<String, String> configs = keptForever.contains(topic) ? KEPT_FOREVER
                : topic.equals(guardVerdicts) ? COMPACTED : Map.of();
        return new TopicSpec(topic.name(), configs);
    }

    /** Every topic name, in pipeline order. */
    public List<String> names() {
        return all().stream().map(Topic::name).toList();
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
