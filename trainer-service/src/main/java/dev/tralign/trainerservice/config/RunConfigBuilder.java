package dev.tralign.trainerservice.config;

import static dev.tralign.trainerservice.config.RunConfigDef.*;

import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.model.ModelConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A run's settings for programmatic callers (the demo, benchmarks, tests), in Java types instead of key strings. It
 * only spells the keys: {@link #build()} goes through {@link RunConfig#of}, the one validated producer of a run's
 * config, so a value is checked exactly as it would be in a .properties file, and a run built here has the same
 * config digest as the same settings written in a file. Keys not set keep their defaults ({@link RunConfigDef}).
 */
public final class RunConfigBuilder {

    private final Map<String, String> settings = new LinkedHashMap<>();

    RunConfigBuilder() {
    }

    private RunConfigBuilder put(String key, Object value) {
        settings.put(key, String.valueOf(value));
        return this;
    }

    public RunConfigBuilder runId(String runId) {
        return put(RUN_ID, runId);
    }

    /** The cluster: Kafka brokers and schema registry. */
    public RunConfigBuilder cluster(String bootstrapServers, String schemaRegistryUrl) {
        return put(BOOTSTRAP_SERVERS, bootstrapServers).put(SCHEMA_REGISTRY_URL, schemaRegistryUrl);
    }

    public RunConfigBuilder topicPrefix(String prefix) {
        return put(TOPIC_PREFIX, prefix);
    }

    /** Input topics with each one's share of the record stream, in the same order. */
    public RunConfigBuilder inputTopics(List<String> topics, List<Double> shares) {
        put(INPUT_TOPICS, String.join(",", topics));
        return put(INPUT_MIX, shares.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }

    public RunConfigBuilder lossType(LossType lossType) {
        return put(LOSS_TYPE, lossType.trlName());
    }

    public RunConfigBuilder beta(double beta) {
        return put(BETA, beta);
    }

    /** TR-DPO/IPO/KTO: mix the policy into the reference with weight {@code alpha} every {@code tau} steps. */
    public RunConfigBuilder trustRegion(double alpha, int tau) {
        return put(SYNC_REF_MODEL, true).put(REF_MODEL_MIXUP_ALPHA, alpha).put(REF_MODEL_SYNC_STEPS, tau);
    }

    /** KTO learns from thumbs: each preference pair becomes one desirable and one undesirable example. */
    public RunConfigBuilder ktoSplitPairs(boolean split) {
        return put(KTO_SPLIT_PAIRS, split);
    }

    public RunConfigBuilder learningRate(double learningRate) {
        return put(LEARNING_RATE, learningRate);
    }

    public RunConfigBuilder warmupSteps(long steps) {
        return put(WARMUP_STEPS, steps);
    }

    public RunConfigBuilder maxGradNorm(double maxGradNorm) {
        return put(MAX_GRAD_NORM, maxGradNorm);
    }

    public RunConfigBuilder batchSize(int examples) {
        return put(BATCH_SIZE, examples);
    }

    /** Bounded mode: the offsets present at start, {@code epochs} times. */
    public RunConfigBuilder bounded(int epochs) {
        return put(MODE, "bounded").put(EPOCHS, epochs);
    }

    public RunConfigBuilder maxSteps(long steps) {
        return put(MAX_STEPS, steps);
    }

    /** Where checkpoints go, and every how many optimizer steps. */
    public RunConfigBuilder checkpoints(Path dir, int everySteps) {
        return put(CHECKPOINT_DIR, dir.toString()).put(CHECKPOINT_EVERY_STEPS, everySteps);
    }

    public RunConfigBuilder metricsEverySteps(int steps) {
        return put(METRICS_EVERY_STEPS, steps);
    }

    /** sft/rewards/... against the frozen SFT model every {@code steps} steps (0 = never). */
    public RunConfigBuilder sftMetricsEverySteps(int steps) {
        return put(METRICS_SFT_EVERY_STEPS, steps);
    }

    /**
     * The reference task: score the held-out SFT JSONL {@code file} every {@code steps} optimizer steps
     * (eval/sft_nll); 0 = never.
     */
    public RunConfigBuilder heldoutSft(Path file, int steps) {
        return put(METRICS_HELDOUT_SFT_FILE, file.toAbsolutePath().toString())
                .put(METRICS_HELDOUT_SFT_EVERY_STEPS, steps);
    }

    public RunConfigBuilder logEverySteps(int steps) {
        return put(LOG_EVERY_STEPS, steps);
    }

    /** Policy and reference start from the policy weights of an (SFT) checkpoint. */
    public RunConfigBuilder initFromSft(Path checkpoint) {
        return put(MODEL_INIT, "sft:" + checkpoint.toAbsolutePath());
    }

    /** The built-in GPT of {@code shape}, randomly initialised from the seed. */
    public RunConfigBuilder freshModel(ModelConfig shape) {
        return put(MODEL_INIT, "fresh").put(MODEL_VOCAB, shape.vocabSize()).put(MODEL_EMBED, shape.embedDim())
                .put(MODEL_LAYERS, shape.layers()).put(MODEL_HEADS, shape.heads())
                .put(MODEL_MAX_SEQ_LEN, shape.maxSeqLen());
    }

    /** A local Hugging Face model folder; its tokenizer is the run's. */
    public RunConfigBuilder pretrained(Path folder, int maxSeqLen) {
        return put(MODEL_INIT, "pretrained").put(MODEL_NAME_OR_PATH, folder.toAbsolutePath())
                .put(MODEL_MAX_SEQ_LEN, maxSeqLen);
    }

    /** A tokenizer over these characters, one token each. */
    public RunConfigBuilder alphabetTokenizer(String alphabet) {
        return put(TOKENIZER, "alphabet:" + alphabet);
    }

    public RunConfigBuilder seed(long seed) {
        return put(SEED, seed);
    }

    /** Guard policy stop for these alert kinds (e.g. KL_BUDGET: guard.kl_budget.policy=stop); others stay warn. */
    public RunConfigBuilder stopOn(String... alertKinds) {
        for (String kind : alertKinds) {
            put("guard." + kind.toLowerCase(java.util.Locale.ROOT) + ".policy", "stop");
        }
        return this;
    }

    /** guard.verdict_timeout: how long a checkpoint waits for the guard's verdict on the previous one. */
    public RunConfigBuilder guardVerdictTimeout(java.time.Duration timeout) {
        return put(GUARD_VERDICT_TIMEOUT, timeout);
    }

    /** Validates the settings as a config file would be; throws {@link RunConfigException} naming the key. */
    public RunConfig build() {
        return RunConfig.of(settings);
    }
}
