package dev.tralign.evaluator.service;

import static dev.tralign.config.ConfigKey.Validator.any;
import static dev.tralign.config.ConfigKey.Validator.atLeast;
import static dev.tralign.config.ConfigKey.Validator.nonEmpty;
import static dev.tralign.config.ConfigKey.Validator.positiveDuration;

import dev.tralign.config.ConfigKey;
import dev.tralign.config.ConfigType;
import dev.tralign.config.KeyTable;

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
                            + "which the evaluators of --group share. Outcomes depend on the split (a task is "
                            + "sampled as one batch): keep it the same across the group and across runs compared.")
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
            .build();

    private EvaluatorKeys() {
    }
}
