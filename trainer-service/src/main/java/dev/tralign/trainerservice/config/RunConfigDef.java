package dev.tralign.trainerservice.config;

import static dev.tralign.config.ConfigKey.REQUIRED;
import static dev.tralign.config.ConfigKey.Validator.any;
import static dev.tralign.config.ConfigKey.Validator.atLeast;
import static dev.tralign.config.ConfigKey.Validator.between;
import static dev.tralign.config.ConfigKey.Validator.nonEmpty;
import static dev.tralign.config.ConfigKey.Validator.oneOf;
import static dev.tralign.config.ConfigKey.Validator.positiveDuration;

import dev.tralign.config.ConfigKey;
import dev.tralign.config.ConfigType;
import dev.tralign.config.KeyTable;
import dev.tralign.config.Suggestions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key a training run accepts, with type, default, validator and doc, in one table (the only place they are
 * defined). Keys follow TRL where TRL has a name. Two prefixes pass through untouched: {@code kafka.} (Kafka client
 * settings such as {@code kafka.security.protocol}) and {@code registry.} (schema-registry client settings such as
 * {@code registry.basic.auth.user.info}).
 */
public final class RunConfigDef {

    public static final String RUN_ID = "run.id";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String INPUT_TOPICS = "input.topics";
    public static final String INPUT_MIX = "input.mix";
    public static final String INPUT_DEDUPE = "input.dedupe";
    public static final String INPUT_START = "input.start";
    public static final String ONLINE_JUDGED_RUN = "online.judged_run";
    public static final String LOSS_TYPE = "loss_type";
    public static final String BETA = "beta";
    public static final String LOSS_WEIGHTS = "loss_weights";
    public static final String LOSS_SEMANTICS = "loss_semantics";
    public static final String LABEL_SMOOTHING = "label_smoothing";
    public static final String DISCOPOP_TAU = "discopop_tau";
    public static final String F_DIVERGENCE_TYPE = "f_divergence_type";
    public static final String F_ALPHA_DIVERGENCE_COEF = "f_alpha_divergence_coef";
    public static final String USE_WEIGHTING = "use_weighting";
    public static final String LD_ALPHA = "ld_alpha";
    public static final String DESIRABLE_WEIGHT = "desirable_weight";
    public static final String UNDESIRABLE_WEIGHT = "undesirable_weight";
    public static final String SYNC_REF_MODEL = "sync_ref_model";
    public static final String REF_MODEL_MIXUP_ALPHA = "ref_model_mixup_alpha";
    public static final String REF_MODEL_SYNC_STEPS = "ref_model_sync_steps";
    public static final String LEARNING_RATE = "learning_rate";
    public static final String WEIGHT_DECAY = "weight_decay";
    public static final String WARMUP_STEPS = "warmup_steps";
    public static final String LR_SCHEDULER_TYPE = "lr_scheduler_type";
    public static final String MAX_GRAD_NORM = "max_grad_norm";
    public static final String GRADIENT_ACCUMULATION_STEPS = "gradient_accumulation_steps";
    public static final String BATCH_SIZE = "batch_size";
    public static final String MAX_WAIT_MS = "max_wait_ms";
    public static final String MODE = "mode";
    public static final String EPOCHS = "epochs";
    public static final String MAX_STEPS = "max_steps";
    public static final String CHECKPOINT_EVERY_STEPS = "checkpoint.every_steps";
    public static final String CHECKPOINT_DIR = "checkpoint.dir";
    public static final String CHECKPOINT_STORE = "checkpoint.store";
    public static final String CHECKPOINT_UPLOAD_TIMEOUT_MS = "checkpoint.upload_timeout_ms";
    public static final String CHECKPOINT_KEEP_LAST = "checkpoint.keep_last";
    public static final String CHECKPOINT_KEEP_EVERY = "checkpoint.keep_every";
    public static final String CHECKPOINT_KEEP_BEST = "checkpoint.keep_best";
    public static final String CHECKPOINT_KEEP_UNJUDGED = "checkpoint.keep_unjudged";
    public static final String CHECKPOINT_SWEEP_ORPHANS = "checkpoint.sweep_orphans";
    public static final String METRICS_EVERY_STEPS = "metrics.every_steps";
    public static final String METRICS_SFT_EVERY_STEPS = "metrics.sft_every_steps";
    public static final String METRICS_HELDOUT_SFT_FILE = "metrics.heldout_sft.file";
    public static final String METRICS_HELDOUT_SFT_EVERY_STEPS = "metrics.heldout_sft.every_steps";
    public static final String METRICS_HELDOUT_SFT_MAX_EXAMPLES = "metrics.heldout_sft.max_examples";
    public static final String LOG_EVERY_STEPS = "log.every_steps";
    public static final String MODEL_INIT = "model.init";
    public static final String MODEL_NAME_OR_PATH = "model_name_or_path";
    public static final String MODEL_VOCAB = "model.vocab";
    public static final String MODEL_EMBED = "model.embed";
    public static final String MODEL_LAYERS = "model.layers";
    public static final String MODEL_HEADS = "model.heads";
    public static final String MODEL_MAX_SEQ_LEN = "model.max_seq_len";
    public static final String TOKENIZER = "tokenizer";
    public static final String TOKENIZER_EOS_TOKEN = "tokenizer.eos_token";
    public static final String TOKENIZER_PAD_TOKEN = "tokenizer.pad_token";
    public static final String DEVICE = "device";
    public static final String SEED = "seed";
    public static final String MICRO_BATCH_SHARDS = "micro_batch_shards";
    public static final String KTO_SPLIT_PAIRS = "kto.split_pairs";
    public static final String USE_PEFT = "use_peft";
    public static final String LORA_R = "lora_r";
    public static final String LORA_ALPHA = "lora_alpha";
    public static final String LORA_DROPOUT = "lora_dropout";
    public static final String LORA_TARGET_MODULES = "lora_target_modules";
    public static final String USE_RSLORA = "use_rslora";
    public static final String LORA_REFERENCE_MIX = "lora_reference_mix";
    /** The LoRA keys that mean something only with use_peft=true. */
    public static final List<String> LORA_KEYS = List.of(LORA_R, LORA_ALPHA, LORA_DROPOUT, LORA_TARGET_MODULES,
            USE_RSLORA, LORA_REFERENCE_MIX);

    /**
     * Per-run guard policies, one key per failure signature the evaluator's guard reports on tralign.alerts (the
     * key is guard.&lt;kind in lower case&gt;.policy): warn = the alert is only reported; stop = the run ends cleanly
     * at its next checkpoint, which records the alert as its stopReason.
     */
    public static final List<String> GUARD_POLICIES = List.of("guard.kl_budget.policy",
            "guard.kl_oscillation.policy", "guard.reference_update_drop.policy", "guard.loss_divergence.policy",
            "guard.grad_norm_divergence.policy", "guard.reference_task_degraded.policy");
    /** How long a run with a stop policy waits at a checkpoint for the guard's verdicts on the previous one. */
    public static final String GUARD_VERDICT_TIMEOUT = "guard.verdict_timeout";

    /** Kafka client settings pass through under this prefix (e.g. kafka.security.protocol). */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Schema-registry client settings pass through under this prefix (e.g. registry.basic.auth.user.info). */
    public static final String REGISTRY_PREFIX = "registry.";
    /**
     * S3 client settings of checkpoint.store pass through under this prefix (endpoint, region, path_style,
     * access_key_id, secret_access_key): kept out of checkpoint events and the digest, secrets masked.
     */
    public static final String CHECKPOINT_S3_PREFIX = "checkpoint.s3.";

    /** Keys whose values change where a run talks, not what it computes; left out of the config digest. */
    public static final List<String> PLACEMENT_KEYS = List.of(RUN_ID, BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL,
            CHECKPOINT_DIR, METRICS_EVERY_STEPS, LOG_EVERY_STEPS, CHECKPOINT_STORE, CHECKPOINT_UPLOAD_TIMEOUT_MS,
            CHECKPOINT_KEEP_LAST, CHECKPOINT_KEEP_EVERY, CHECKPOINT_KEEP_BEST, CHECKPOINT_KEEP_UNJUDGED,
            CHECKPOINT_SWEEP_ORPHANS, GUARD_VERDICT_TIMEOUT);

    /**
     * Keys added after runs already existed, with the value that does what runs did before the key: at that value a
     * key stays out of the config digest, so those runs keep their digest and still resume.
     */
    public static final Map<String, Object> DIGEST_NEUTRAL_VALUES = Map.ofEntries(Map.entry(INPUT_MIX, List.of()),
            Map.entry(INPUT_DEDUPE, true), Map.entry(INPUT_START, "earliest"), Map.entry(ONLINE_JUDGED_RUN, ""),
            Map.entry(MICRO_BATCH_SHARDS, 2), Map.entry(LOSS_WEIGHTS, List.of()), Map.entry(LOSS_SEMANTICS, ""),
            Map.entry(DISCOPOP_TAU, 0.05), Map.entry(F_DIVERGENCE_TYPE, "reverse_kl"),
            Map.entry(F_ALPHA_DIVERGENCE_COEF, 0.5), Map.entry(USE_WEIGHTING, false), Map.entry(LD_ALPHA, ""),
            Map.entry(MODEL_NAME_OR_PATH, ""), Map.entry(METRICS_SFT_EVERY_STEPS, 0), Map.entry(USE_PEFT, false),
            Map.entry(LORA_R, 16), Map.entry(LORA_ALPHA, 32.0), Map.entry(LORA_DROPOUT, 0.0),
            Map.entry(LORA_TARGET_MODULES, List.of()), Map.entry(USE_RSLORA, false),
            Map.entry(LORA_REFERENCE_MIX, "exact"), Map.entry(GUARD_POLICIES.get(0), "warn"),
            Map.entry(GUARD_POLICIES.get(1), "warn"), Map.entry(GUARD_POLICIES.get(2), "warn"),
            Map.entry(GUARD_POLICIES.get(3), "warn"), Map.entry(GUARD_POLICIES.get(4), "warn"),
            Map.entry(GUARD_POLICIES.get(5), "warn"), Map.entry(METRICS_HELDOUT_SFT_FILE, ""),
            Map.entry(METRICS_HELDOUT_SFT_EVERY_STEPS, 0), Map.entry(METRICS_HELDOUT_SFT_MAX_EXAMPLES, 1000));

    /** The loss types a run accepts (TRL's DPOTrainer and KTOTrainer names and tralign's older meanings). */
    public static final List<String> LOSS_TYPES = java.util.Arrays.stream(dev.tralign.trainer.config.LossType.values())
            .map(dev.tralign.trainer.config.LossType::trlName).toList();

    private static final Map<String, ConfigKey> KEYS = define();

    private RunConfigDef() {
    }

    /** All keys by name, in documentation order. */
    public static Map<String, ConfigKey> keys() {
        return KEYS;
    }

    /** The keys as a Markdown table (key, type, default, doc), for the docs and {@code --help}. */
    public static String toMarkdown() {
        return KeyTable.toMarkdown(KEYS.values());
    }

    private static Map<String, ConfigKey> define() {
        Map<String, ConfigKey> k = new LinkedHashMap<>();
        put(k, RUN_ID, ConfigType.STRING, "", runId(),
                "Run name: consumer group and transactional.id are tralign-trainer-<run.id>. Default: "
                        + "run-<first 12 hex of the config digest>, so the same config resumes the same run.");
        put(k, BOOTSTRAP_SERVERS, ConfigType.STRING, "127.0.0.1:9092", nonEmpty(), "Kafka brokers, host:port,...");
        put(k, SCHEMA_REGISTRY_URL, ConfigType.STRING, "http://127.0.0.1:8081", nonEmpty(),
                "Confluent-compatible schema registry URL.");
        put(k, TOPIC_PREFIX, ConfigType.STRING, "tralign.", any(), "Prefix of every tralign topic name.");
        put(k, INPUT_TOPICS, ConfigType.LIST, List.of(), any(),
                "Topics to train on, comma-separated. Default: <prefix>preferences for pair losses, "
                        + "<prefix>feedback (+ <prefix>preferences when kto.split_pairs) for kto.");
        put(k, INPUT_MIX, ConfigType.LIST, List.of(), inputMix(),
                "Share of each input topic in the record stream, in input.topics order, e.g. 0.7,0.3: the topic "
                        + "owed most gives the next record, a pure function of offsets (replay-safe). Default: no "
                        + "mix (all partitions merged by offset).");
        put(k, INPUT_DEDUPE, ConfigType.BOOLEAN, true, any(),
                "Train a record key (ingest's content id) once: a pair sent twice, e.g. in two HTTP requests or in a "
                        + "file and a request, trains once (per epoch in bounded mode; over what the topics retain in "
                        + "streaming mode). Records without a key are always trained.");
        put(k, INPUT_START, ConfigType.STRING, "earliest", (key, v) -> StartPolicy.parse(key, v.toString()),
                "Where a new run starts reading its input topics: earliest (all retained records), latest (only "
                        + "records that arrive after the start; streaming mode) or an ISO-8601 instant such as "
                        + "2026-11-27T08:00:00Z (the first record at or after it). A resumed run continues from its "
                        + "checkpoint.");
        put(k, ONLINE_JUDGED_RUN, ConfigType.STRING, "", any(),
                "The online loop's step provenance: a pair whose metadata.run is this id was judged on this run's "
                        + "own checkpoints and trains only at a step above its metadata.judged_at_step; otherwise it "
                        + "goes to the DLQ (STEP_PROVENANCE). Default: run.id.");
        put(k, LOSS_TYPE, ConfigType.LIST, List.of("sigmoid"), lossTypes(),
                "TRL loss_type, one or several separated by commas (combined as sum of loss_weights[k] * loss[k]). On "
                        + "PreferencePair: TRL's DPO losses sigmoid, hinge, ipo, exo_pair, nca_pair, robust, bco_pair, "
                        + "sppo_hard, aot, aot_unpaired, apo_zero, apo_down, discopop, sigmoid_norm, and sft (in a "
                        + "list: NLL of the chosen completions, e.g. sigmoid,sft = RPO; sigmoid,bco_pair,sft = MPO); "
                        + "tralign's older meanings cdpo (conservative DPO), ipo_per_token (ipo with per-token rewards), "
                        + "ipo_summed (IPO on summed log-probs), kto_pair. On BinaryFeedback: kto, apo_zero_unpaired. "
                        + "Alone, sft is supervised fine-tuning.");
        put(k, LOSS_WEIGHTS, ConfigType.LIST, List.of(), lossWeights(),
                "TRL loss_weights: one weight per loss_type, in order, e.g. 0.8,0.2,1.0 for MPO. Default: 1 each.");
        put(k, LOSS_SEMANTICS, ConfigType.STRING, "", oneOf("", "trl", "legacy"),
                "What sigmoid and ipo mean. trl: TRL main (sigmoid takes no label_smoothing, so one is refused; ipo "
                        + "reports rewards on summed log-ratios). legacy: tralign before issue #17 (sigmoid with "
                        + "label_smoothing > 0 is conservative DPO; ipo reports per-token rewards). Default: legacy "
                        + "exactly for loss_type=sigmoid with label_smoothing > 0 (what such runs meant), else trl.");
        put(k, BETA, ConfigType.DOUBLE, 0.1, atLeast(Double.MIN_VALUE), "Inverse temperature of the implicit reward.");
        put(k, LABEL_SMOOTHING, ConfigType.DOUBLE, 0.0, between(0, 0.5),
                "eps of robust (flip probability, < 0.5), exo_pair (required, e.g. 1e-3), aot, aot_unpaired and "
                        + "cdpo (and legacy sigmoid, conservative DPO); refused with other losses.");
        put(k, DISCOPOP_TAU, ConfigType.DOUBLE, 0.05, atLeast(Double.MIN_VALUE),
                "DiscoPOP temperature tau (loss_type discopop only).");
        put(k, F_DIVERGENCE_TYPE, ConfigType.STRING, "reverse_kl",
                oneOf("reverse_kl", "forward_kl", "js_divergence", "alpha_divergence"),
                "f-DPO divergence applied to the scores of the DPO losses TRL applies it to (not aot, aot_unpaired, "
                        + "apo_zero, sft, nor the older meanings).");
        put(k, F_ALPHA_DIVERGENCE_COEF, ConfigType.DOUBLE, 0.5, any(),
                "alpha of f_divergence_type=alpha_divergence.");
        put(k, USE_WEIGHTING, ConfigType.BOOLEAN, false, any(),
                "TRL use_weighting (WPO): each pair's loss times the policy's aligned, length-normalised "
                        + "probabilities of its chosen and rejected completions (not with aot, aot_unpaired, sft).");
        put(k, LD_ALPHA, ConfigType.STRING, "", ldAlpha(),
                "TRL ld_alpha (LD-DPO), a number in [0, 1]: completion tokens beyond the pair's shorter completion "
                        + "count alpha times in every log-prob (not with sft). Default: unset (off).");
        put(k, DESIRABLE_WEIGHT, ConfigType.DOUBLE, 1.0, atLeast(Double.MIN_VALUE), "KTO lambda_D.");
        put(k, UNDESIRABLE_WEIGHT, ConfigType.DOUBLE, 1.0, atLeast(Double.MIN_VALUE), "KTO lambda_U.");
        put(k, SYNC_REF_MODEL, ConfigType.BOOLEAN, false, any(),
                "Trust region: move the reference every ref_model_sync_steps (TR-DPO/IPO/KTO).");
        // Their bounds live in the trainer (reference.TrustRegion); CrossChecks reports them with these names.
        put(k, REF_MODEL_MIXUP_ALPHA, ConfigType.DOUBLE, 0.6, any(),
                "alpha in ref <- alpha*policy + (1-alpha)*ref, in (0, 1]; 1 = hard copy.");
        put(k, REF_MODEL_SYNC_STEPS, ConfigType.INT, 512, any(), "tau: optimizer steps between updates, >= 1.");
        put(k, LEARNING_RATE, ConfigType.DOUBLE, 1e-6, atLeast(0), "Peak AdamW learning rate.");
        put(k, WEIGHT_DECAY, ConfigType.DOUBLE, 0.0, atLeast(0), "AdamW decoupled weight decay.");
        put(k, WARMUP_STEPS, ConfigType.INT, 0, atLeast(0), "Linear warmup length in optimizer steps.");
        put(k, LR_SCHEDULER_TYPE, ConfigType.STRING, "constant", oneOf("constant", "linear", "cosine"),
                "Learning-rate schedule after warmup.");
        put(k, MAX_GRAD_NORM, ConfigType.DOUBLE, 1.0, atLeast(0), "Global-norm clipping threshold; 0 disables.");
        put(k, GRADIENT_ACCUMULATION_STEPS, ConfigType.INT, 1, atLeast(1), "Micro-batches per optimizer step.");
        put(k, BATCH_SIZE, ConfigType.INT, 8, atLeast(1),
                "Examples per micro-batch (pairs for pair losses, feedback examples for kto).");
        put(k, MAX_WAIT_MS, ConfigType.LONG, 1000L, atLeast(1),
                "Streaming: train a partial micro-batch once its first record waited this long.");
        put(k, MODE, ConfigType.STRING, "bounded", oneOf("bounded", "streaming"),
                "bounded: the offsets present at start, epochs times; streaming: train as records arrive.");
        put(k, EPOCHS, ConfigType.INT, 1, atLeast(1), "Bounded mode: passes over the captured offset range.");
        put(k, MAX_STEPS, ConfigType.LONG, 0L, atLeast(0),
                "Stop after this many optimizer steps; 0 = until the data ends (bounded) or forever (streaming).");
        put(k, CHECKPOINT_EVERY_STEPS, ConfigType.INT, 100, atLeast(1),
                "Checkpoint (file + one Kafka transaction) every N optimizer steps, and at the end.");
        put(k, CHECKPOINT_DIR, ConfigType.STRING, "checkpoints", nonEmpty(),
                "Checkpoint files go to <checkpoint.dir>/<run.id>/step-<n>.ckpt. With an S3 checkpoint.store this is "
                        + "the local staging and download directory (the latest checkpoint stays there).");
        put(k, CHECKPOINT_STORE, ConfigType.STRING, "", checkpointStore(),
                "Where checkpoints are kept: a directory (default: checkpoint.dir) or s3://bucket/prefix (AWS S3, "
                        + "MinIO, any S3-compatible store; objects <prefix>/<run.id>/step-<n>.ckpt). S3 client settings: "
                        + "checkpoint.s3.endpoint (e.g. http://minio:9000), checkpoint.s3.region, "
                        + "checkpoint.s3.path_style=true for MinIO, checkpoint.s3.access_key_id and "
                        + "checkpoint.s3.secret_access_key (else the AWS SDK's default chain, e.g. AWS_ACCESS_KEY_ID).");
        put(k, CHECKPOINT_UPLOAD_TIMEOUT_MS, ConfigType.LONG, 300_000L, atLeast(0),
                "S3 store: how long a checkpoint upload is retried (growing pauses) before the run stops without "
                        + "publishing that checkpoint; it resumes from the last committed one when restarted.");
        put(k, CHECKPOINT_KEEP_LAST, ConfigType.INT, 0, atLeast(0),
                "Retention: keep the last N committed checkpoints and delete older ones not kept by the other "
                        + "checkpoint.keep_* rules; 0 = keep every checkpoint (no retention).");
        put(k, CHECKPOINT_KEEP_EVERY, ConfigType.INT, 0, atLeast(0),
                "Retention: also keep every checkpoint whose step is a multiple of K; 0 = none.");
        put(k, CHECKPOINT_KEEP_BEST, ConfigType.INT, 1, atLeast(0),
                "Retention: also keep the N checkpoints with the highest win rate on <prefix>win-rates.");
        put(k, CHECKPOINT_KEEP_UNJUDGED, ConfigType.BOOLEAN, true, any(),
                "Retention: keep checkpoints that have no win rate yet (the evaluator has not read them); set false "
                        + "when no evaluator runs.");
        put(k, CHECKPOINT_SWEEP_ORPHANS, ConfigType.BOOLEAN, true, any(),
                "Delete the run's checkpoint objects (and staging files) at steps after its last committed "
                        + "checkpoint, left by a crash between upload and commit: at start, and when the run completes "
                        + "or its guard stops it. No committed event can name them.");
        put(k, METRICS_EVERY_STEPS, ConfigType.INT, 1, atLeast(1), "Publish TrainMetrics every N optimizer steps.");
        put(k, METRICS_SFT_EVERY_STEPS, ConfigType.INT, 0, atLeast(0),
                "Every N optimizer steps (0 = never) pair losses also report their implicit rewards against the frozen "
                        + "SFT model, sft/rewards/chosen, /rejected, /margins, /accuracies: comparable across reference "
                        + "updates. With sync_ref_model it keeps one more frozen copy of the weights (in checkpoints "
                        + "too) and runs one more forward without gradients on those steps.");
        put(k, METRICS_HELDOUT_SFT_FILE, ConfigType.STRING, "", any(),
                "The reference task: a held-out SFT set, JSONL (optionally .gz), one {\"prompt\": ..., "
                        + "\"completion\": ...} object per line (a preference-pair line {\"prompt\", \"chosen\", "
                        + "\"rejected\"} counts as its chosen completion). Every metrics.heldout_sft.every_steps "
                        + "optimizer steps the policy is scored on it without gradients: eval/sft_nll (mean NLL per "
                        + "completion token, nats) and eval/sft_nll_tokens in that step's TrainMetrics, and "
                        + "eval/sft_nll_start (the starting model's) in the first. The evaluator's guard raises "
                        + "REFERENCE_TASK_DEGRADED when it rises. Read and tokenized at start; keep it apart from the "
                        + "training and eval data.");
        put(k, METRICS_HELDOUT_SFT_EVERY_STEPS, ConfigType.INT, 0, atLeast(0),
                "Score metrics.heldout_sft.file every N optimizer steps (0 = never, the default); a multiple of "
                        + "metrics.every_steps, so every score is published. Costs one forward without gradients "
                        + "over the set (64 rows per forward) on those steps.");
        put(k, METRICS_HELDOUT_SFT_MAX_EXAMPLES, ConfigType.INT, 1000, atLeast(1),
                "Largest metrics.heldout_sft.file accepted, in records: a bigger file is refused at start (bounds "
                        + "the scoring cost; score a sample of the set instead).");
        put(k, LOG_EVERY_STEPS, ConfigType.INT, 10, atLeast(1), "Log a progress line every N optimizer steps.");
        put(k, GUARD_POLICIES.get(0), ConfigType.STRING, "warn", oneOf("warn", "stop"),
                "What a KL_BUDGET alert (KL to SFT over the evaluator's guard.kl_budget) on tralign.alerts does to "
                        + "this run: warn (reported only) or stop (the run ends at the checkpoint after the one that "
                        + "crossed, whose event carries the alert as stopReason; docs/guard-rails.md).");
        put(k, GUARD_POLICIES.get(1), ConfigType.STRING, "warn", oneOf("warn", "stop"),
                "The same for KL_OSCILLATION (the KL trend changing direction too often).");
        put(k, GUARD_POLICIES.get(2), ConfigType.STRING, "warn", oneOf("warn", "stop"),
                "The same for REFERENCE_UPDATE_DROP (win rate significantly lower after a reference update).");
        put(k, GUARD_POLICIES.get(3), ConfigType.STRING, "warn", oneOf("warn", "stop"),
                "The same for LOSS_DIVERGENCE (training loss non-finite or rising away from its best).");
        put(k, GUARD_POLICIES.get(4), ConfigType.STRING, "warn", oneOf("warn", "stop"),
                "The same for GRAD_NORM_DIVERGENCE (gradient norm non-finite or many times its lowest).");
        put(k, GUARD_POLICIES.get(5), ConfigType.STRING, "warn", oneOf("warn", "stop"),
                "The same for REFERENCE_TASK_DEGRADED (the held-out SFT NLL, eval/sft_nll from "
                        + "metrics.heldout_sft.file, rising above its lowest).");
        put(k, GUARD_VERDICT_TIMEOUT, ConfigType.DURATION, java.time.Duration.ofMinutes(30), positiveDuration(),
                "With a stop policy, each checkpoint waits up to this long for the evaluator's verdicts "
                        + "(<prefix>guard-verdicts) covering the run's previous checkpoint and the train-metrics "
                        + "committed with it, so a stop lands exactly one checkpoint after the one that committed "
                        + "what alerted. "
                        + "Past it the run ends with a plain resumable checkpoint (end=stopped): restart it when the "
                        + "evaluator is back. 500ms, 10s, 2m, 1h or ISO-8601.");
        put(k, MODEL_INIT, ConfigType.STRING, REQUIRED, modelInit(),
                "sft:<checkpoint path> (policy and reference start from an SFT checkpoint), pretrained (from the "
                + "Hugging Face folder model_name_or_path) or fresh (the built-in GPT, randomly initialised).");
        put(k, MODEL_NAME_OR_PATH, ConfigType.STRING, "", any(),
                "model.init=pretrained: a local Hugging Face model folder (config.json, model.safetensors or "
                + "shards, tokenizer.json; gpt_neox, llama, qwen2, mistral, gpt2); its tokenizer is the run's. "
                + "Nothing is downloaded.");
        put(k, MODEL_VOCAB, ConfigType.INT, 0, atLeast(0), "fresh only: vocabulary size (0 = the tokenizer's).");
        put(k, MODEL_EMBED, ConfigType.INT, 64, atLeast(1), "fresh only: embedding width.");
        put(k, MODEL_LAYERS, ConfigType.INT, 2, atLeast(1), "fresh only: transformer blocks.");
        put(k, MODEL_HEADS, ConfigType.INT, 4, atLeast(1), "fresh only: attention heads.");
        put(k, MODEL_MAX_SEQ_LEN, ConfigType.INT, 64, atLeast(2),
                "fresh and pretrained: longest prompt+completion (pretrained: at most max_position_embeddings).");
        put(k, TOKENIZER, ConfigType.STRING, "bytes", tokenizer(),
                "alphabet:<letters> | bytes | hf:<path to tokenizer.json>.");
        put(k, TOKENIZER_EOS_TOKEN, ConfigType.STRING, "</s>", nonEmpty(),
                "hf tokenizers only: the end-of-sequence token appended to every completion.");
        put(k, TOKENIZER_PAD_TOKEN, ConfigType.STRING, "<pad>", nonEmpty(), "hf tokenizers only: the padding token.");
        put(k, DEVICE, ConfigType.STRING, "cpu", (key, v) -> {
            String s = v.toString();
            if (!s.equals("cpu") && !s.matches("gpu[0-9]*")) {
                throw new RunConfigException(key + "=" + s + " is not a device: give cpu or gpu (gpu1, ...)");
            }
        }, "cpu or gpu[N].");
        put(k, SEED, ConfigType.LONG, 42L, any(), "Initialisation and sampling seed.");
        put(k, MICRO_BATCH_SHARDS, ConfigType.INT, 2, between(1, 2),
                "Pair micro-batches on CPU (every loss but kto_pair, aot and aot_unpaired): 2 trains the two halves on two threads (same "
                + "loss, faster with 2 free cores); 1 trains them whole on one (the reference forward still uses a second thread). Results "
                + "are deterministic for either value but differ in the last bits between them.");
        put(k, KTO_SPLIT_PAIRS, ConfigType.BOOLEAN, false, any(),
                "kto: also train on PreferencePair records, each split into a desirable and an undesirable example.");
        put(k, USE_PEFT, ConfigType.BOOLEAN, false, any(),
                "TRL use_peft: train LoRA adapters over the frozen model.init=pretrained base (held once) instead of "
                + "all weights; the reference is the same base with reference adapters. Checkpoints hold adapters "
                + "and the base's sha256; export with tralign export --peft or --merged.");
        put(k, LORA_R, ConfigType.INT, 16, atLeast(1), "use_peft: adapter rank r (TRL lora_r, PEFT r).");
        put(k, LORA_ALPHA, ConfigType.DOUBLE, 32.0, atLeast(Double.MIN_VALUE),
                "use_peft: PEFT lora_alpha; the adapters add (lora_alpha / r) B A, or (lora_alpha / sqrt(r)) B A "
                + "with use_rslora.");
        put(k, LORA_DROPOUT, ConfigType.DOUBLE, 0.0, (key, v) -> {
            if (((Double) v) != 0.0) {
                throw new RunConfigException(key + "=" + v + " is not implemented: only 0 is (a dropout mask would "
                        + "need a seeded generator to keep resume and replay bit-identical); set " + key + "=0");
            }
        },
                "use_peft: PEFT lora_dropout; only 0 is implemented (TRL's default is 0.05: a dropout mask would "
                + "need a seeded generator to keep resume and replay bit-identical).");
        put(k, LORA_TARGET_MODULES, ConfigType.LIST, List.of(), any(),
                "use_peft: PEFT target_modules, the model's own module names: q_proj, k_proj, v_proj, o_proj, "
                + "gate_proj, up_proj, down_proj (llama, qwen2, mistral); query_key_value, dense, dense_h_to_4h, "
                + "dense_4h_to_h (gpt_neox); c_attn, c_proj, c_fc (gpt2); or all-linear (every linear layer but the "
                + "output head). Default: PEFT's for the architecture (q_proj,v_proj; query_key_value; c_attn).");
        put(k, USE_RSLORA, ConfigType.BOOLEAN, false, any(),
                "use_peft: rank-stabilised LoRA, scaling lora_alpha / sqrt(r) instead of lora_alpha / r.");
        put(k, LORA_REFERENCE_MIX, ConfigType.STRING, "exact", oneOf("exact", "factors"),
                "use_peft with a soft trust-region update (ref_model_mixup_alpha < 1): exact keeps the reference's "
                + "weight delta in full per target module, delta_ref <- alpha (lora_alpha/r) B A + (1 - alpha) "
                + "delta_ref (the true TR mix; costs 2 x rows x in floats per target module, the delta and the merged "
                + "weight the reference forward reads: for all-linear twice the base's block weights); factors mixes A and B separately like the policy's adapters (cheap, "
                + "but B A is bilinear, so not the mix of the deltas). A hard update (alpha 1) is exact either way.");
        return Collections.unmodifiableMap(k);
    }

    private static void put(Map<String, ConfigKey> keys, String name, ConfigType type, Object defaultValue,
            ConfigKey.Validator validator, String doc) {
        keys.put(name, new ConfigKey(name, type, defaultValue, validator, doc));
    }

    private static ConfigKey.Validator checkpointStore() {
        return (key, v) -> {
            if (!v.toString().isEmpty()) {
                try {
                    dev.tralign.store.StoreLocation.parse(key, v.toString());
                } catch (IllegalArgumentException e) {
                    throw new RunConfigException(e.getMessage());
                }
            }
        };
    }

    private static ConfigKey.Validator lossTypes() {
        return (key, v) -> {
            for (Object part : (List<?>) v) {
                if (!LOSS_TYPES.contains(part.toString())) {
                    throw new RunConfigException(key + "=" + part + " is not one of " + String.join("|", LOSS_TYPES)
                            + Suggestions.hint(part.toString(), LOSS_TYPES));
                }
            }
            if (((List<?>) v).isEmpty()) {
                throw new RunConfigException(key + " is empty: give one of " + String.join("|", LOSS_TYPES));
            }
        };
    }

    private static ConfigKey.Validator lossWeights() {
        return (key, v) -> {
            for (Object part : (List<?>) v) {
                double w;
                try {
                    w = Double.parseDouble(part.toString());
                } catch (NumberFormatException e) {
                    throw new RunConfigException(key + " holds '" + part + "', not a number: give one weight per "
                            + "loss_type, e.g. loss_weights=0.8,0.2,1.0");
                }
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new RunConfigException(key + " holds " + part + ": every weight must be finite and >= 0");
                }
            }
        };
    }

    /** Empty (unset) or a number in [0, 1]. */
    private static ConfigKey.Validator ldAlpha() {
        return (key, v) -> {
            if (v.toString().isEmpty()) {
                return;
            }
            double alpha;
            try {
                alpha = Double.parseDouble(v.toString());
            } catch (NumberFormatException e) {
                throw new RunConfigException(key + "=" + v + " is not a number: give a value in [0, 1], e.g. 0.5, "
                        + "or leave it unset");
            }
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new RunConfigException(key + "=" + v + " is out of range: it must be in [0, 1] (1 = plain DPO)");
            }
        };
    }

    private static ConfigKey.Validator runId() {
        return (key, v) -> {
            if (!v.toString().matches("[A-Za-z0-9._-]*")) {
                throw new RunConfigException(key + "=" + v + " may only hold letters, digits, '.', '_' and '-' "
                        + "(it names a consumer group, a transactional.id and a directory)");
            }
            // "." and ".." would name the checkpoint store's own directory or its parent.
            if (v.toString().matches("\\.+")) {
                throw new RunConfigException(key + "=" + v + " is only dots: it names the run's checkpoint "
                        + "directory, so give it a letter or digit (e.g. run.id=dpo-1)");
            }
        };
    }

    private static ConfigKey.Validator inputMix() {
        return (key, v) -> {
            for (Object part : (List<?>) v) {
                double ratio;
                try {
                    ratio = Double.parseDouble(part.toString());
                } catch (NumberFormatException e) {
                    throw new RunConfigException(key + "=" + String.join(",", ((List<?>) v).stream()
                            .map(Object::toString).toList()) + " holds '" + part + "', not a number: give one share "
                            + "per input topic, e.g. input.mix=0.7,0.3");
                }
                if (!(ratio > 0) || Double.isInfinite(ratio)) {
                    throw new RunConfigException(key + " holds " + part + ": every share must be positive (drop the "
                            + "topic from input.topics instead of giving it 0)");
                }
            }
        };
    }

    private static ConfigKey.Validator modelInit() {
        return (key, v) -> {
            String s = v.toString();
            if (!s.equals("fresh") && !s.equals("pretrained") && !(s.startsWith("sft:") && s.length() > 4)) {
                throw new RunConfigException(key + "=" + s + " is not understood: give sft:<checkpoint path>, "
                        + "pretrained (with model_name_or_path) or fresh");
            }
        };
    }

    private static ConfigKey.Validator tokenizer() {
        return (key, v) -> {
            String s = v.toString();
            boolean ok = s.equals("bytes") || s.startsWith("alphabet:") && s.length() > 9
                    || s.startsWith("hf:") && s.length() > 3;
            if (!ok) {
                throw new RunConfigException(key + "=" + s + " is not understood: give alphabet:<letters>, bytes or "
                        + "hf:<path to tokenizer.json>");
            }
        };
    }
}
