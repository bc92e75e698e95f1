package dev.tralign.trainerservice.config;

import static dev.tralign.trainerservice.config.RunConfigDef.*;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules between keys, checked once every key parsed on its own: combinations that would fail later, or train
 * nothing, are rejected at start with the change to make.
 */
final class CrossChecks {

    private static final List<String> FRESH_ONLY = List.of(MODEL_VOCAB, MODEL_EMBED, MODEL_LAYERS, MODEL_HEADS,
            MODEL_MAX_SEQ_LEN);

    private CrossChecks() {
    }

    /** Tolerance of the sum of input.mix: shares written with a few decimals add up to 1 exactly enough. */
    static final double MIX_SUM_TOLERANCE = 1e-9;

    private static void checkMix(Map<String, Object> v, List<String> inputs, List<String> problems) {
        @SuppressWarnings("unchecked")
        List<String> mix = (List<String>) v.get(INPUT_MIX);
        if (mix.isEmpty()) {
            return;
        }
        if (mix.size() != inputs.size()) {
            problems.add(INPUT_MIX + " has " + mix.size() + " shares but " + INPUT_TOPICS + " names " + inputs.size()
                    + " topics (" + (inputs.isEmpty() ? "none given" : String.join(",", inputs)) + "): give "
                    + INPUT_TOPICS + " explicitly and one share per topic, in the same order");
            return;
        }
        double sum = mix.stream().mapToDouble(Double::parseDouble).sum();
        if (Math.abs(sum - 1.0) > MIX_SUM_TOLERANCE) {
            problems.add(INPUT_MIX + "=" + String.join(",", mix) + " sums to " + sum + ", not 1: make the shares "
                    + "add up to 1 (within " + MIX_SUM_TOLERANCE + "), e.g. 0.7,0.3");
        }
        if (inputs.stream().distinct().count() != inputs.size()) {
            problems.add(INPUT_TOPICS + "=" + String.join(",", inputs) + " names a topic twice, so " + INPUT_MIX
                    + " cannot tell its shares apart: list each topic once");
        }
    }

    static void check(Map<String, Object> v, Set<String> given, List<String> problems) {
        @SuppressWarnings("unchecked")
        String loss = String.join(",", (List<String>) v.get(LOSS_TYPE));
        boolean kto = loss.equals("kto");
        // Losses on unpaired thumbs up/down (TRL's KTOTrainer): kto and apo_zero_unpaired.
        boolean unpaired = kto || loss.equals("apo_zero_unpaired");
        String prefix = (String) v.get(TOPIC_PREFIX);
        @SuppressWarnings("unchecked")
        List<String> inputs = (List<String>) v.get(INPUT_TOPICS);
        checkMix(v, inputs, problems);
        if (kto && (Integer) v.get(BATCH_SIZE) < 2) {
            problems.add(BATCH_SIZE + "=" + v.get(BATCH_SIZE) + " but loss_type=kto needs at least 2 examples per "
                    + "micro-batch (its KL reference point pairs each prompt with another example's completion): "
                    + "set batch_size >= 2");
        }
        if (!unpaired && !inputs.isEmpty() && inputs.stream().allMatch(t -> t.equals(prefix + "feedback"))) {
            problems.add(INPUT_TOPICS + "=" + String.join(",", inputs) + " holds only BinaryFeedback, which "
                    + "loss_type=" + loss + " cannot train on (it needs PreferencePair): set loss_type=kto or read "
                    + prefix + "preferences");
        }
        if (unpaired && !(Boolean) v.get(KTO_SPLIT_PAIRS) && !inputs.isEmpty()
                && inputs.stream().noneMatch(t -> t.equals(prefix + "feedback"))
                && inputs.stream().allMatch(t -> t.startsWith(prefix + "preferences"))) {
            problems.add(INPUT_TOPICS + "=" + String.join(",", inputs) + " holds only PreferencePair but loss_type=" + loss
                    + " "
                    + "trains on BinaryFeedback: set kto.split_pairs=true to split each pair into a desirable and "
                    + "an undesirable example, or read " + prefix + "feedback");
        }
        if ((Boolean) v.get(KTO_SPLIT_PAIRS) && !unpaired) {
            problems.add(KTO_SPLIT_PAIRS + "=true only applies to loss_type=kto or apo_zero_unpaired: remove it or "
                    + "set loss_type=kto");
        }
        try {
            // The loss rules (label_smoothing where TRL uses it, one weight per loss, ...) and the trust region's
            // bounds live in the trainer (TrainingConfig, reference.TrustRegion): checked there once.
            RunConfig.lossSettings(v).build();
        } catch (IllegalArgumentException e) {
            problems.add(TrlNames.toKeys(e.getMessage()));
        }
        boolean streaming = v.get(MODE).equals("streaming");
        if (streaming && given.contains(EPOCHS) && (Integer) v.get(EPOCHS) != 1) {
            problems.add(EPOCHS + "=" + v.get(EPOCHS) + " needs mode=bounded (a stream has no end to replay from): "
                    + "remove epochs or set mode=bounded");
        }
        if (!streaming && v.get(INPUT_START).equals("latest")) {
            problems.add(INPUT_START + "=latest with mode=bounded captures an empty range and trains nothing: set "
                    + "mode=streaming, or input.start=earliest or an instant");
        }
        if (streaming && !v.get(LR_SCHEDULER_TYPE).equals("constant") && (Long) v.get(MAX_STEPS) == 0) {
            problems.add(LR_SCHEDULER_TYPE + "=" + v.get(LR_SCHEDULER_TYPE) + " in mode=streaming needs max_steps > 0 "
                    + "(the decay length): set max_steps or lr_scheduler_type=constant");
        }
        boolean fresh = v.get(MODEL_INIT).equals("fresh");
        boolean pretrained = v.get(MODEL_INIT).equals("pretrained");
        checkPretrained(v, given, pretrained, problems);
        if (!fresh) {
            for (String key : FRESH_ONLY) {
                if (pretrained && key.equals(MODEL_MAX_SEQ_LEN)) {
                    continue;
                }
                // A value equal to the default says nothing: a run's recorded settings (replay, RunConfig.with)
                // list every key with its value, shape defaults included.
                if (given.contains(key) && !v.get(key).equals(RunConfigDef.keys().get(key).defaultValue())) {
                    problems.add(key + " only applies to model.init=fresh (an SFT checkpoint or a Hugging Face "
                            + "folder carries its own shape): remove it");
                }
            }
        }
        checkPeft(v, given, pretrained, problems);
        checkHeldoutSft(v, problems);
        int embed = (Integer) v.get(MODEL_EMBED);
        int heads = (Integer) v.get(MODEL_HEADS);
        if (fresh && embed % heads != 0) {
            problems.add(MODEL_EMBED + "=" + embed + " is not divisible by " + MODEL_HEADS + "=" + heads
                    + ": pick heads among the divisors of the embedding width");
        }
        long maxSteps = (Long) v.get(MAX_STEPS);
        if (maxSteps > 0 && (Integer) v.get(WARMUP_STEPS) > maxSteps) {
            problems.add(WARMUP_STEPS + "=" + v.get(WARMUP_STEPS) + " exceeds max_steps=" + maxSteps
                    + ": lower warmup_steps");
        }
    }

    /** The held-out SFT set is scored on published steps only, and needs both its file and its period. */
    private static void checkHeldoutSft(Map<String, Object> v, List<String> problems) {
        String file = (String) v.get(METRICS_HELDOUT_SFT_FILE);
        int every = (Integer) v.get(METRICS_HELDOUT_SFT_EVERY_STEPS);
        int published = (Integer) v.get(METRICS_EVERY_STEPS);
        if (every > 0 && file.isEmpty()) {
            problems.add(METRICS_HELDOUT_SFT_EVERY_STEPS + "=" + every + " needs " + METRICS_HELDOUT_SFT_FILE
                    + ": give the held-out SFT JSONL file, or set " + METRICS_HELDOUT_SFT_EVERY_STEPS + "=0");
        } else if (every == 0 && !file.isEmpty()) {
            problems.add(METRICS_HELDOUT_SFT_FILE + "=" + file + " is never scored with "
                    + METRICS_HELDOUT_SFT_EVERY_STEPS + "=0: set it to N > 0 (score every N steps), or remove the file");
        } else if (every > 0 && every % published != 0) {
            problems.add(METRICS_HELDOUT_SFT_EVERY_STEPS + "=" + every + " is not a multiple of "
                    + METRICS_EVERY_STEPS + "=" + published + ", so some scores would not be published: use a "
                    + "multiple, e.g. " + (Math.max(1, every / published) * published));
        }
    }

    /**
     * use_peft trains adapters over a Hugging Face base (model.init=pretrained); the lora_* keys mean nothing without
     * it; the target modules must exist in the folder's architecture.
     */
    private static void checkPeft(Map<String, Object> v, Set<String> given, boolean pretrained,
            List<String> problems) {
        if (!(Boolean) v.get(USE_PEFT)) {
            for (String key : LORA_KEYS) {
                if (given.contains(key) && !v.get(key).equals(RunConfigDef.keys().get(key).defaultValue())) {
                    problems.add(key + " only applies with " + USE_PEFT + "=true: set " + USE_PEFT
                            + "=true to train LoRA adapters, or remove it");
                }
            }
            return;
        }
        if (!pretrained) {
            problems.add(USE_PEFT + "=true needs " + MODEL_INIT + "=pretrained and " + MODEL_NAME_OR_PATH
                    + " (adapters are trained over a Hugging Face base model; this run has " + MODEL_INIT + "="
                    + v.get(MODEL_INIT) + ")");
            return;
        }
        java.nio.file.Path folder = java.nio.file.Path.of((String) v.get(MODEL_NAME_OR_PATH));
        if (!java.nio.file.Files.isRegularFile(folder.resolve("config.json"))) {
            return;     // reported by checkPretrained
        }
        try {
            dev.tralign.trainer.lora.LoraTargets.select(
                    dev.tralign.trainer.model.hf.HfModelFolder.info(folder).spec(), RunConfig.loraConfig(v));
        } catch (RunConfigException e) {
            problems.add(e.getMessage());
        } catch (IllegalArgumentException e) {
            problems.add(TrlNames.toKeys(e.getMessage()));
        }
    }

    /**
     * model.init=pretrained needs model_name_or_path, a folder with config.json, and takes its tokenizer from there;
     * model_name_or_path means nothing without it.
     */
    private static void checkPretrained(Map<String, Object> v, Set<String> given, boolean pretrained,
            List<String> problems) {
        String folder = (String) v.get(MODEL_NAME_OR_PATH);
        if (!pretrained) {
            if (!folder.isEmpty()) {
                problems.add(MODEL_NAME_OR_PATH + "=" + folder + " is only read with model.init=pretrained (this run "
                        + "has model.init=" + v.get(MODEL_INIT) + "): set model.init=pretrained to train its weights, "
                        + "or remove it");
            }
            return;
        }
        if (folder.isEmpty()) {
            problems.add(MODEL_INIT + "=pretrained needs " + MODEL_NAME_OR_PATH + ": give a local Hugging Face model "
                    + "folder (config.json, model.safetensors, tokenizer.json)");
        } else if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(folder, "config.json"))) {
            problems.add(MODEL_NAME_OR_PATH + "=" + folder + " has no config.json: give a local Hugging Face model "
                    + "folder (nothing is downloaded; copy the model there first)");
        }
        for (String key : List.of(TOKENIZER, TOKENIZER_EOS_TOKEN, TOKENIZER_PAD_TOKEN)) {
            if (given.contains(key) && !v.get(key).equals(RunConfigDef.keys().get(key).defaultValue())) {
                problems.add(key + " does not apply to model.init=pretrained: the model folder's tokenizer.json and "
                        + "special tokens are the run's; remove it");
            }
        }
    }
}
