package dev.tralign.evaluator.service;

import static dev.tralign.config.ConfigKey.Validator.any;
import static dev.tralign.config.ConfigKey.Validator.atLeast;
import static dev.tralign.config.ConfigKey.Validator.nonEmpty;
import static dev.tralign.config.ConfigKey.Validator.positiveDuration;

import dev.tralign.config.ConfigKey;
import dev.tralign.config.ConfigType;
import dev.tralign.config.ConfigException;
import dev.tralign.config.KeyTable;
import dev.tralign.config.Settings;
import dev.tralign.store.CheckpointStore;
import dev.tralign.store.CheckpointStores;
import dev.tralign.store.S3Options;
import dev.tralign.store.StoreLocation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The evaluator service's settings as documented keys ({@link KeyTable}): the CLI offers them as options of
 * {@code tralign evaluate run} ({@code prompts_per_task} is {@code --prompts-per-task}, or
 * {@code TRALIGN_PROMPTS_PER_TASK}) and lists them for {@code --list-keys}. The judge's are {@code JudgeKeys}.
 */
public final class EvaluatorKeys {

    public static final String SFT = "sft";
    public static final String PROMPTS = "prompts";
    public static final String TOKENIZER = "tokenizer";
    public static final String MAX_NEW_TOKENS = "max_new_tokens";
    public static final String SEED = "seed";
    public static final String STATE_DIR = "state_dir";
    public static final String GROUP = "group";
    public static final String PROMPTS_PER_TASK = "prompts_per_task";
    public static final String TASK_PARTITIONS = "task_partitions";
    public static final String SESSION_TIMEOUT = "session_timeout";
    public static final String MAX_CHECKPOINT_BYTES = "max_checkpoint_bytes";
    public static final String HASH_TIMEOUT = "hash_timeout";
    public static final String STORE_RETRY_TIMEOUT = "store_retry_timeout";
    public static final String CHECKPOINT_STORE = "checkpoint_store";
    public static final String S3_ENDPOINT = "s3_endpoint";
    public static final String S3_REGION = "s3_region";
    public static final String S3_PATH_STYLE = "s3_path_style";
    public static final String S3_ACCESS_KEY_ID = "s3_access_key_id";
    public static final String DOWNLOAD_DIR = "download_dir";

    public static final KeyTable TABLE = KeyTable.builder("evaluate run")
            .key(SFT, ConfigType.STRING, ConfigKey.REQUIRED, nonEmpty(),
                    "The SFT checkpoint: the baseline and the KL reference.")
            .key(PROMPTS, ConfigType.STRING, ConfigKey.REQUIRED, nonEmpty(),
                    "Eval prompts, one per line (blank lines ignored); the same file for every run compared.")
            .key(TOKENIZER, ConfigType.STRING, ConfigKey.REQUIRED, nonEmpty(),
                    "alphabet:<letters>, bytes, hf:<tokenizer.json> (as the trainer's 'tokenizer' key), or "
                            + "model:<Hugging Face model folder> (its tokenizer, and its chat template for the "
                            + "prompts, for runs with model.init=pretrained).")
            .key(MAX_NEW_TOKENS, ConfigType.INT, 64, atLeast(1), "Generation limit.")
            .key(SEED, ConfigType.LONG, 1L, any(), "Sampling seed.")
            .key(STATE_DIR, ConfigType.STRING, ".tralign/evaluator", nonEmpty(),
                    "Kafka Streams state of the win-rate topology.")
            .key(GROUP, ConfigType.STRING, "tralign-evaluator", nonEmpty(),
                    "Consumer group of the checkpoint follower and Streams application id.")
            .key(PROMPTS_PER_TASK, ConfigType.INT, 16, atLeast(1),
                    "Eval prompts per evaluation task: a checkpoint's prompts are split into tasks of this many, "
                            + "which the evaluators of --group share. Each prompt is sampled from its own generator "
                            + "whatever the split; a task's log-probs are computed in its own batch (equal across "
                            + "splits to float32 rounding). Keep it the same across the group.")
            .key(TASK_PARTITIONS, ConfigType.INT, CheckpointEvaluatorService.DEFAULT_TASK_PARTITIONS, atLeast(1),
                    "Partitions of the task topic when this process creates it: the most evaluators that can share "
                            + "one checkpoint.")
            .key(SESSION_TIMEOUT, ConfigType.DURATION, CheckpointEvaluatorService.DEFAULT_SESSION_TIMEOUT,
                    positiveDuration(),
                    "How soon a dead evaluator's tasks move to another (Kafka session timeout of the workers' group; "
                            + "the broker allows 6s to 5m by default).")
            .key(MAX_CHECKPOINT_BYTES, ConfigType.LONG, CheckpointSource.DEFAULT_MAX_BYTES, atLeast(1),
                    "Largest checkpoint file read; a larger one is skipped and reported.")
            .key(HASH_TIMEOUT, ConfigType.DURATION, CheckpointSource.DEFAULT_HASH_TIMEOUT, positiveDuration(),
                    "Longest time to hash a checkpoint file; a slower one is skipped and reported.")
            .key(STORE_RETRY_TIMEOUT, ConfigType.DURATION, CheckpointSource.DEFAULT_STORE_RETRY, (key, v) -> {
                if (((java.time.Duration) v).isNegative()) {
                    throw new ConfigException(key + "=" + v + " cannot be negative: 0s skips at once, 10m retries "
                            + "for ten minutes");
                }
            },
                    "How long a checkpoint store that does not answer (connection refused, timeouts, 5xx, "
                            + "throttling) is retried, 200ms doubling to 10s, before its checkpoint is skipped and "
                            + "reported; the task waits uncommitted meanwhile. 0s: skip at once.")
            .build();

    /**
     * Where checkpoints are read from: the trainer's checkpoint.store and its S3 account, for every command that
     * reads checkpoints named by events (evaluate run, export). The secret key is no key: --s3-secret-access-key.
     */
    public static final KeyTable STORE = KeyTable.builder("checkpoint store")
            .key(CHECKPOINT_STORE, ConfigType.STRING, "", (key, v) -> {
                if (!v.toString().isEmpty()) {
                    try {
                        StoreLocation.parse(key, v.toString());
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(e.getMessage());
                    }
                }
            }, "The trainer's checkpoint.store. s3://bucket/prefix: checkpoint objects under it are downloaded "
                    + "and checked (file: checkpoints are still read anywhere); a directory: only checkpoint files "
                    + "under it are read. Default: file: checkpoints anywhere (a disk shared with the trainer).")
            .key(S3_ENDPOINT, ConfigType.STRING, "", any(),
                    "S3-compatible endpoint of checkpoint_store, e.g. http://minio:9000 (default: AWS).")
            .key(S3_REGION, ConfigType.STRING, S3Options.DEFAULT_REGION, nonEmpty(), "S3 region of checkpoint_store.")
            .key(S3_PATH_STYLE, ConfigType.BOOLEAN, false, any(),
                    "Path-style bucket addressing (MinIO and most S3-compatible servers need it).")
            .key(S3_ACCESS_KEY_ID, ConfigType.STRING, "", any(),
                    "S3 access key id, with --s3-secret-access-key (default: the AWS SDK's chain, e.g. "
                            + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).")
            .key(DOWNLOAD_DIR, ConfigType.STRING, ".tralign/checkpoint-downloads", nonEmpty(),
                    "Where checkpoints from S3 are downloaded, one at a time.")
            .build();

    /**
     * The store of checkpoint_store with the s3_* settings ({@link #STORE}) and {@code secretAccessKey} (a secret, not a key), or
     * null when checkpoint_store is not set.
     *
     * @throws ConfigException naming the setting and the fix (e.g. a key id without its secret)
     */
    public static CheckpointStore checkpointStore(Settings settings, String secretAccessKey) {
        String store = settings.string(CHECKPOINT_STORE);
        if (store.isEmpty()) {
            return null;
        }
        Map<String, String> s3 = new LinkedHashMap<>();
        s3.put(S3Options.ENDPOINT, settings.string(S3_ENDPOINT));
        s3.put(S3Options.REGION, settings.string(S3_REGION));
        s3.put(S3Options.PATH_STYLE, Boolean.toString(settings.bool(S3_PATH_STYLE)));
        s3.put(S3Options.ACCESS_KEY_ID, settings.string(S3_ACCESS_KEY_ID));
        s3.put(S3Options.SECRET_ACCESS_KEY, secretAccessKey == null ? "" : secretAccessKey);
        S3Options options;
        try {
            options = S3Options.parse(s3, "s3_");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage().replace("s3_secret_access_key", "--s3-secret-access-key"));
        }
        return CheckpointStores.open(StoreLocation.parse(CHECKPOINT_STORE, store), options);
    }

    private EvaluatorKeys() {
    }
}
