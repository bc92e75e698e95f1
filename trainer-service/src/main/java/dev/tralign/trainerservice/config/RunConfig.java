package dev.tralign.trainerservice.config;

import static dev.tralign.trainerservice.config.RunConfigDef.*;

import dev.tralign.config.ConfigException;
import dev.tralign.config.ConfigKey;
import dev.tralign.config.Suggestions;
import dev.tralign.store.RetentionPolicy;
import dev.tralign.store.S3Options;
import dev.tralign.store.StoreLocation;
import dev.tralign.trainer.config.LossSemantics;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.hf.HfModelFolder;
import dev.tralign.trainer.model.hf.HfTokenizer;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import dev.tralign.trainer.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The validated settings of one training run: every key of {@link RunConfigDef} with its parsed value, plus the
 * {@code kafka.*} and {@code registry.*} pass-through settings. Built from a .properties file and overrides;
 * unknown keys, malformed values and incompatible combinations are all reported at once, each naming the key and
 * the fix. {@link #toString()} never prints secrets.
 */
public final class RunConfig {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunConfig.class);

    private static final Pattern SECRET = Pattern.compile(
            ".*(password|secret|jaas|user\\.info|credential|token\\.|\\.key$|keystore\\.key).*");
    /** Kafka settings the trainer owns for exactly-once; overriding them would break the guarantees. */
    private static final Set<String> OWNED_KAFKA_KEYS = Set.of("bootstrap.servers", "group.id", "transactional.id",
            "isolation.level", "enable.auto.commit", "enable.idempotence", "key.serializer", "value.serializer",
            "key.deserializer", "value.deserializer", "auto.offset.reset");

    private final Map<String, Object> values;
    private final Map<String, String> kafka;
    private final Map<String, String> registry;
    /** checkpoint.s3.* settings, prefix removed. */
    private final Map<String, String> s3;
    private final String digest;

    private RunConfig(Map<String, Object> values, Map<String, String> kafka, Map<String, String> registry,
            Map<String, String> s3) {
        this.values = values;
        this.kafka = kafka;
        this.registry = registry;
        this.s3 = s3;
        this.digest = computeDigest(values);
        if (((String) values.get(RUN_ID)).isEmpty()) {
            values.put(RUN_ID, "run-" + digest.substring(0, 12));
        }
    }

    /** Reads a .properties file, then applies {@code overrides} (e.g. --run-id from the command line). */
    public static RunConfig load(Path file, Map<String, String> overrides) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new RunConfigException("config file " + file + " does not exist: give the path of a .properties "
                    + "file (see docs/trainer-service.md)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(k -> settings.put(k, properties.getProperty(k)));
        settings.putAll(overrides);
        return of(settings);
    }

    /** Settings in Java types for programmatic callers; {@link RunConfigBuilder#build()} validates them here. */
    public static RunConfigBuilder builder() {
        return new RunConfigBuilder();
    }

    /** Parses and validates settings given as text. */
    public static RunConfig of(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> kafka = new TreeMap<>();
        Map<String, String> registry = new TreeMap<>();
        Map<String, String> s3 = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
            String key = e.getKey().trim();
            String text = e.getValue() == null ? "" : e.getValue().trim();
            if (key.startsWith(KAFKA_PREFIX)) {
                String kafkaKey = key.substring(KAFKA_PREFIX.length());
                if (OWNED_KAFKA_KEYS.contains(kafkaKey)) {
                    problems.add(key + " is set by the trainer itself (exactly-once needs its own value)"
                            + (kafkaKey.equals("bootstrap.servers") ? ": use bootstrap.servers" : ": remove it"));
                } else {
                    kafka.put(kafkaKey, text);
                }
                continue;
            }
            if (key.startsWith(REGISTRY_PREFIX)) {
                registry.put(key.substring(REGISTRY_PREFIX.length()), text);
                continue;
            }
            if (key.startsWith(CHECKPOINT_S3_PREFIX)) {
                s3.put(key.substring(CHECKPOINT_S3_PREFIX.length()), text);
                continue;
            }
            ConfigKey def = RunConfigDef.keys().get(key);
            if (def == null) {
                problems.add("unknown key '" + key + "'" + Suggestions.hint(key, RunConfigDef.keys().keySet())
                        + "; Kafka client settings go under kafka., registry client settings under registry.");
                continue;
            }
            try {
                Object value = def.type().parse(key, text);
                def.validator().check(key, value);
                values.put(key, value);
            } catch (ConfigException ex) {
                problems.add(ex.getMessage());
            }
        }
        for (ConfigKey def : RunConfigDef.keys().values()) {
            if (!values.containsKey(def.name()) && !settings.containsKey(def.name())) {
                if (def.defaultValue() == ConfigKey.REQUIRED) {
                    problems.add(def.name() + " is required: " + def.doc());
                } else {
                    values.put(def.name(), def.defaultValue());
                }
            }
        }
        try {
            S3Options.parse(s3, CHECKPOINT_S3_PREFIX);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (problems.isEmpty()) {
            CrossChecks.check(values, settings.keySet(), problems);
        }
        if (!problems.isEmpty()) {
            throw new RunConfigException("invalid run config:\n  - " + String.join("\n  - ", problems));
        }
        return new RunConfig(values, Map.copyOf(kafka), Map.copyOf(registry), Map.copyOf(s3));
    }

    /** The run's name. */
    public String runId() {
        return string(RUN_ID);
    }

    /** Consumer group and transactional.id: {@code tralign-trainer-<run.id>}. */
    public String clientId() {
        return "tralign-trainer-" + runId();
    }

    /** SHA-256 over every setting that shapes the computation (not {@link RunConfigDef#PLACEMENT_KEYS}). */
    public String digest() {
        return digest;
    }

    public String bootstrapServers() {
        return string(BOOTSTRAP_SERVERS);
    }

    public String topicPrefix() {
        return string(TOPIC_PREFIX);
    }

    /** The objective: the loss type, or the first preference loss of a loss_type list (it decides the records). */
    public LossType lossType() {
        return lossSettings(values).build().lossType();
    }

    /** loss_type as given, in order. */
    public List<LossType> lossTypes() {
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) values.get(LOSS_TYPE);
        return names.stream().map(LossType::parse).toList();
    }

    /**
     * The loss settings (loss_type, loss_weights, beta, label_smoothing, discopop_tau, f-divergence, semantics,
     * ld_alpha, use_weighting, KTO weights) and the trust region (sync_ref_model, ref_model_mixup_alpha,
     * ref_model_sync_steps) on a
     * trainer config builder, the rest at defaults: {@link CrossChecks} builds it to validate them at start, where
     * {@link dev.tralign.trainer.config.TrainingConfig} is the one place their rules live.
     */
    static TrainingConfig.Builder lossSettings(Map<String, Object> values) {
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) values.get(LOSS_TYPE);
        @SuppressWarnings("unchecked")
        List<String> weights = (List<String>) values.get(LOSS_WEIGHTS);
        String semantics = (String) values.get(LOSS_SEMANTICS);
        String ldAlpha = (String) values.get(LD_ALPHA);
        return TrainingConfig.builder()
                .lossTypes(names.stream().map(LossType::parse).toList())
                .lossWeights(weights.stream().map(Double::valueOf).toList())
                .lossSemantics(semantics.isEmpty() ? null : LossSemantics.valueOf(semantics.toUpperCase(Locale.ROOT)))
                .beta((Double) values.get(BETA))
                .labelSmoothing((Double) values.get(LABEL_SMOOTHING))
                .discopopTau((Double) values.get(DISCOPOP_TAU))
                .fDivergenceType((String) values.get(F_DIVERGENCE_TYPE))
                .fAlphaDivergenceCoef((Double) values.get(F_ALPHA_DIVERGENCE_COEF))
                .desirableWeight((Double) values.get(DESIRABLE_WEIGHT))
                .undesirableWeight((Double) values.get(UNDESIRABLE_WEIGHT))
                .ldAlpha(ldAlpha.isEmpty() ? null : Double.valueOf(ldAlpha))
                .useWeighting((Boolean) values.get(USE_WEIGHTING))
                .sftMetricsEverySteps((Integer) values.get(METRICS_SFT_EVERY_STEPS))
                .syncRefModel((Boolean) values.get(SYNC_REF_MODEL))
                .refModelMixupAlpha((Double) values.get(REF_MODEL_MIXUP_ALPHA))
                .refModelSyncSteps((Integer) values.get(REF_MODEL_SYNC_STEPS));
    }

    /** Input topics as configured, or the loss type's defaults. */
    public List<String> inputTopics() {
        @SuppressWarnings("unchecked")
        List<String> topics = (List<String>) values.get(INPUT_TOPICS);
        if (!topics.isEmpty()) {
            return topics;
        }
        if (!lossType().isUnpairedFeedback()) {
            return List.of(topicPrefix() + "preferences");
        }
        return ktoSplitPairs() ? List.of(topicPrefix() + "feedback", topicPrefix() + "preferences")
                : List.of(topicPrefix() + "feedback");
    }

    /** Share of each input topic (input.mix), in {@link #inputTopics()} order; empty = no mix. */
    public List<Double> inputMix() {
        @SuppressWarnings("unchecked")
        List<String> mix = (List<String>) values.get(INPUT_MIX);
        return mix.stream().map(Double::valueOf).toList();
    }

    public boolean streaming() {
        return string(MODE).equals("streaming");
    }

    public int batchSize() {
        return integer(BATCH_SIZE);
    }

    public long maxWaitMs() {
        return (Long) values.get(MAX_WAIT_MS);
    }

    public int epochs() {
        return integer(EPOCHS);
    }

    /** 0 = no limit. */
    public long maxSteps() {
        return (Long) values.get(MAX_STEPS);
    }

    public int gradientAccumulationSteps() {
        return integer(GRADIENT_ACCUMULATION_STEPS);
    }

    public int checkpointEverySteps() {
        return integer(CHECKPOINT_EVERY_STEPS);
    }

    /**
     * Where the trainer writes each checkpoint file before it is stored: {@code <store directory>/<run.id>} for a
     * local checkpoint.store (the file is the stored checkpoint), {@code <checkpoint.dir>/<run.id>} for S3 (the local
     * staging and download directory).
     */
    public Path checkpointDir() {
        StoreLocation store = checkpointStore();
        Path base = store instanceof StoreLocation.Local local ? local.directory() : Path.of(string(CHECKPOINT_DIR));
        return base.resolve(runId());
    }

    /** checkpoint.store, parsed; checkpoint.dir when it is not set. */
    public StoreLocation checkpointStore() {
        String store = string(CHECKPOINT_STORE);
        return store.isEmpty() ? new StoreLocation.Local(Path.of(string(CHECKPOINT_DIR)))
                : StoreLocation.parse(CHECKPOINT_STORE, store);
    }

    /** The checkpoint.s3.* settings (validated at load). */
    public S3Options checkpointS3() {
        return S3Options.parse(s3, CHECKPOINT_S3_PREFIX);
    }

    /** checkpoint.upload_timeout_ms. */
    public java.time.Duration checkpointUploadTimeout() {
        return java.time.Duration.ofMillis((Long) values.get(CHECKPOINT_UPLOAD_TIMEOUT_MS));
    }

    /** The checkpoint.keep_* rules. */
    public RetentionPolicy checkpointRetention() {
        return new RetentionPolicy(integer(CHECKPOINT_KEEP_LAST), integer(CHECKPOINT_KEEP_EVERY),
                integer(CHECKPOINT_KEEP_BEST), (Boolean) values.get(CHECKPOINT_KEEP_UNJUDGED));
    }

    /** checkpoint.sweep_orphans. */
    public boolean checkpointSweepOrphans() {
        return (Boolean) values.get(CHECKPOINT_SWEEP_ORPHANS);
    }

    public int metricsEverySteps() {
        return integer(METRICS_EVERY_STEPS);
    }

    /** The held-out SFT set (metrics.heldout_sft.file), or null when the reference task is not scored. */
    public Path heldoutSftFile() {
        String file = string(METRICS_HELDOUT_SFT_FILE);
        return file.isEmpty() || heldoutSftEverySteps() == 0 ? null : Path.of(file);
    }

    /** metrics.heldout_sft.every_steps (0 = never). */
    public int heldoutSftEverySteps() {
        return integer(METRICS_HELDOUT_SFT_EVERY_STEPS);
    }

    /** metrics.heldout_sft.max_examples. */
    public int heldoutSftMaxExamples() {
        return integer(METRICS_HELDOUT_SFT_MAX_EXAMPLES);
    }

    public int logEverySteps() {
        return integer(LOG_EVERY_STEPS);
    }

    /** input.start, parsed. */
    public StartPolicy inputStart() {
        return StartPolicy.parse(INPUT_START, string(INPUT_START));
    }

    /** online.judged_run, or the run's own id when unset. */
    public String onlineJudgedRun() {
        String v = string(ONLINE_JUDGED_RUN);
        return v.isEmpty() ? runId() : v;
    }

    public boolean inputDedupe() {
        return (Boolean) values.get(INPUT_DEDUPE);
    }

    /**
     * The alert kinds (tralign.alerts' AlertKind names, e.g. KL_BUDGET) whose guard policy is stop; empty when every
     * policy is warn, and then the run never reads the alerts topic.
     */
    public java.util.Set<String> guardStopKinds() {
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        for (String key : RunConfigDef.GUARD_POLICIES) {
            if ("stop".equals(string(key))) {
                kinds.add(key.substring("guard.".length(), key.length() - ".policy".length())
                        .toUpperCase(java.util.Locale.ROOT));
            }
        }
        return kinds;
    }

    /** guard.verdict_timeout: how long a checkpoint waits for the guard's verdict on the previous one. */
    public java.time.Duration guardVerdictTimeout() {
        return (java.time.Duration) values.get(GUARD_VERDICT_TIMEOUT);
    }

    public boolean ktoSplitPairs() {
        return (Boolean) values.get(KTO_SPLIT_PAIRS);
    }

    public long seed() {
        return (Long) values.get(SEED);
    }

    /** The SFT checkpoint to start from, or null (a fresh or pretrained model). */
    public Path sftCheckpoint() {
        String init = string(MODEL_INIT);
        return init.startsWith("sft:") ? Path.of(init.substring("sft:".length())) : null;
    }

    /** The tokenizer spec: alphabet:&lt;letters&gt; | bytes | hf:&lt;path&gt;. */
    public String tokenizer() {
        return string(TOKENIZER);
    }

    public String tokenizerEosToken() {
        return string(TOKENIZER_EOS_TOKEN);
    }

    public String tokenizerPadToken() {
        return string(TOKENIZER_PAD_TOKEN);
    }

    /**
     * A new instance of the run's tokenizer: a pretrained model's own (its folder's tokenizer.json and special
     * tokens), else the one the {@code tokenizer} key names, with this run's EOS and PAD tokens.
     */
    public TextTokenizer newTokenizer() {
        if (pretrainedModel() != null) {
            return HfTokenizer.of(HfModelFolder.info(pretrainedModel()));
        }
        return Tokenizers.fromSpec(tokenizer(), tokenizerEosToken(), tokenizerPadToken());
    }

    /** The Hugging Face folder model.init=pretrained trains, or null. */
    public Path pretrainedModel() {
        return string(MODEL_INIT).equals("pretrained") ? Path.of(string(MODEL_NAME_OR_PATH)) : null;
    }

    /**
     * The adapters use_peft asks for, or null: PEFT's per-architecture default modules when lora_target_modules is
     * empty (read from the model folder's config.json).
     */
    public LoraConfig loraConfig() {
        return loraConfig(values);
    }

    static LoraConfig loraConfig(Map<String, Object> values) {
        if (!(Boolean) values.get(USE_PEFT)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<String> targets = (List<String>) values.get(LORA_TARGET_MODULES);
        if (targets.isEmpty()) {
            targets = HfModelFolder.architecture(Path.of((String) values.get(MODEL_NAME_OR_PATH)))
                    .peftDefaultTargets();
        }
        try {
            return new LoraConfig((Integer) values.get(LORA_R), (Double) values.get(LORA_ALPHA),
                    (Double) values.get(LORA_DROPOUT), targets, (Boolean) values.get(USE_RSLORA),
                    LoraConfig.ReferenceMix.valueOf(((String) values.get(LORA_REFERENCE_MIX))
                            .toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new RunConfigException(TrlNames.toKeys(e.getMessage()));
        }
    }

    /** Longest prompt+completion the model is run on (model.max_seq_len). */
    public int maxSeqLen() {
        return integer(MODEL_MAX_SEQ_LEN);
    }

    /** Shape of a fresh model; {@code model.vocab = 0} takes the tokenizer's vocabulary. */
    public ModelConfig freshModel(int tokenizerVocab) {
        int vocab = integer(MODEL_VOCAB) == 0 ? tokenizerVocab : integer(MODEL_VOCAB);
        if (vocab < tokenizerVocab) {
            throw new RunConfigException(MODEL_VOCAB + "=" + vocab + " is smaller than the tokenizer's vocabulary ("
                    + tokenizerVocab + " ids): raise it or set it to 0 to use the tokenizer's");
        }
        try {
            return new ModelConfig(vocab, integer(MODEL_EMBED), integer(MODEL_LAYERS), integer(MODEL_HEADS),
                    integer(MODEL_MAX_SEQ_LEN));
        } catch (IllegalArgumentException e) {
            throw new RunConfigException("model.* settings: " + TrlNames.toKeys(e.getMessage()));
        }
    }

    /**
     * The trainer's settings; {@code plannedSteps} (from max_steps or the offset range) sizes the schedule and
     * triggers the warning when the trust region would never fire.
     */
    public TrainingConfig trainingConfig(long plannedSteps) {
        try {
            TrainingConfig training = lossSettings(values)
                    .learningRate(dbl(LEARNING_RATE))
                    .weightDecay(dbl(WEIGHT_DECAY))
                    .warmupSteps(integer(WARMUP_STEPS))
                    .lrScheduler(string(LR_SCHEDULER_TYPE))
                    .maxGradNorm(dbl(MAX_GRAD_NORM))
                    .gradientAccumulationSteps(gradientAccumulationSteps())
                    .maxSteps(plannedSteps)
                    .seed(seed())
                    .microBatchShards(integer(MICRO_BATCH_SHARDS))
                    .device(string(DEVICE))
                    .build();
            if (string(LOSS_SEMANTICS).isEmpty() && training.semantics() == LossSemantics.LEGACY) {
                LOG.warn("run {}: loss_type=sigmoid with label_smoothing={} is conservative DPO, as it was before "
                        + "tralign followed TRL main (which ignores label_smoothing for sigmoid); write loss_type=cdpo "
                        + "to say so, or loss_semantics=trl to have such settings refused", runId(),
                        training.labelSmoothing());
            }
            return training;
        } catch (IllegalArgumentException e) {
            throw new RunConfigException(TrlNames.toKeys(e.getMessage()));
        }
    }

    /** Kafka client settings: bootstrap.servers plus every kafka.* key with the prefix removed. */
    public Map<String, Object> kafkaSettings() {
        Map<String, Object> out = new LinkedHashMap<>(kafka);
        out.put("bootstrap.servers", bootstrapServers());
        return out;
    }

    /** Schema-registry serde settings: schema.registry.url plus every registry.* key with the prefix removed. */
    public Map<String, Object> serdeSettings() {
        Map<String, Object> out = new LinkedHashMap<>(registry);
        out.put("schema.registry.url", string(SCHEMA_REGISTRY_URL));
        return out;
    }

    /** Every defined key with its value as text (no pass-through settings, so no secrets): stored with runs. */
    public Map<String, String> definedSettings() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, text(v)));
        return out;
    }

    /** A copy with some settings replaced (e.g. a new run.id for a replay). */
    public RunConfig with(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(definedSettings());
        kafka.forEach((k, v) -> settings.put(KAFKA_PREFIX + k, v));
        registry.forEach((k, v) -> settings.put(REGISTRY_PREFIX + k, v));
        s3.forEach((k, v) -> settings.put(CHECKPOINT_S3_PREFIX + k, v));
        settings.putAll(overrides);
        return of(settings);
    }

    /** key=value lines, sorted; secrets of the pass-through settings print as [hidden]. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        definedSettings().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        kafka.forEach((k, v) -> sb.append(KAFKA_PREFIX).append(k).append('=').append(mask(k, v)).append('\n'));
        registry.forEach((k, v) -> sb.append(REGISTRY_PREFIX).append(k).append('=').append(mask(k, v)).append('\n'));
        s3.forEach((k, v) -> sb.append(CHECKPOINT_S3_PREFIX).append(k).append('=').append(mask(k, v)).append('\n'));
        return sb.toString();
    }

    private static String mask(String key, String value) {
        return SECRET.matcher(key.toLowerCase(java.util.Locale.ROOT)).matches() ? "[hidden]" : value;
    }

    private static String computeDigest(Map<String, Object> values) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(values).forEach((k, v) -> {
            boolean neutral = DIGEST_NEUTRAL_VALUES.containsKey(k) && DIGEST_NEUTRAL_VALUES.get(k).equals(v);
            if (!PLACEMENT_KEYS.contains(k) && !neutral) {
                canonical.append(k).append('=').append(text(v)).append('\n');
            }
        });
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String text(Object v) {
        return v instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(v);
    }

    private String string(String key) {
        return (String) values.get(key);
    }

    private int integer(String key) {
        return (Integer) values.get(key);
    }

    private double dbl(String key) {
        return (Double) values.get(key);
    }
}
