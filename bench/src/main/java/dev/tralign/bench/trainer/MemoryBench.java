package dev.tralign.bench.trainer;

import dev.tralign.bench.BenchFlags;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.SamplingConfig;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks that a long run does not grow native memory: trains a small TR-DPO model (soft update every step, a
 * cached sampling call every 10 steps, so every code path runs) and prints the resident set size (VmRSS, Linux) at step 100 and at the last step as one
 * JSON line. Flags: {@link #FLAGS} ({@code tralign bench memory --help}): --steps (default 2000).
 * <p>With {@code --arch gpt2|llama|qwen2|mistral|gpt_neox} it measures instead the peak memory of float32 AdamW
 * training with a moving reference (soft update every step) of a randomly initialised Hugging Face decoder, by
 * default GPT-2 small (124M parameters: vocab 50257, hidden 768, 12 layers, 12 heads, 1024 positions, tied head)
 * on 2 pairs of 256 tokens: {@link #runHf}; with {@code --lora-r R} the same run trains LoRA adapters (lora_alpha
 * 2R, {@code --lora-targets}, default all-linear; {@code --lora-mix exact|factors}) over the frozen base.
 */
public final class MemoryBench {

    private MemoryBench() {
    }

    private static final TrainingConfig DEFAULTS = TrainingConfig.builder().build();
    /** --steps without --arch: the leak check's length. */
    private static final int LEAK_CHECK_STEPS = 2000;

    /** The flags of {@code tralign bench memory}: without --arch only --steps (the tiny GPT's leak check). */
    public static final BenchFlags FLAGS = HfBenchModel.loraFlags(BenchFlags.of("memory")
            .optionalChoice("arch", "none: the tiny GPT's long-run leak check, which reads only --steps",
                    "A Hugging Face decoder whose peak training memory is measured", HfBenchModel.architectures())
            .optionalInteger("steps", 1, "3 with --arch, " + LEAK_CHECK_STEPS + " without", "Training steps")
            .integer("vocab", 50257, 2, "Vocabulary size")
            .integer("embed", 768, 1, "Hidden size")
            .integer("layers", 12, 1, "Decoder layers")
            .integer("heads", 12, 1, "Attention heads")
            .integer("kv-heads", 0, 0, "Key/value heads (0: as --heads)")
            .integer("intermediate", 0, 0, "MLP width (0: the peer's for SwiGLU models)")
            .integer("max-positions", 1024, 1, "Position table size (at least --seq is used)")
            .optionalBool("tie", "tied for gpt2 only", "Tie the head to the embedding")
            .integer("seq", 256, 2, "Tokens per sequence")
            .integer("pairs", 2, 1, "Preference pairs per batch")
            .integer("shards", DEFAULTS.microBatchShards(), 1,
                    "Micro-batch shards (TrainingConfig.microBatchShards)")
            .bool("parallel-reference", true, "Reference forward on a second thread"))
            .build();

    /**
     * Parses {@code args}; without --arch (the leak check) any flag but --steps is refused, since it would be
     * ignored.
     */
    public static BenchFlags.Values parse(String... args) {
        BenchFlags.Values flags = FLAGS.parse(args);
        if (!flags.given("arch")) {
            for (String name : FLAGS.names()) {
                String bare = name.substring(2);
                if (!bare.equals("steps") && !bare.equals("arch") && flags.given(bare)) {
                    throw new IllegalArgumentException("bench memory: " + name + " needs --arch (gpt2, llama, ...): "
                            + "without --arch the bench is the tiny GPT's leak check, which reads only --steps");
                }
            }
        }
        return flags;
    }

    public static void main(String[] args) {
        System.out.println(BenchFlags.helpAsked(args) ? FLAGS.help() : run(args));
    }

    /** Runs the bench (the leak check without --arch, else {@link #runHf}) and returns its JSON line. */
    public static String run(String[] args) {
        BenchFlags.Values flags = parse(args);
        if (flags.given("arch")) {
            return runHf(flags);
        }
        int steps = flags.given("steps") ? flags.integer("steps") : LEAK_CHECK_STEPS;
        ModelConfig shape = new ModelConfig(32, 64, 2, 4, 32);
        TrainingConfig config = TrainingConfig.builder().lossType(LossType.SIGMOID).learningRate(1e-4)
                .syncRefModel(true).refModelMixupAlpha(0.6).refModelSyncSteps(1).seed(0).build();
        List<TokenizedPair> batch = TrainerBench.randomBatch(32, 32, 8);
        long rssAt100 = 0;
        long rssAtHalf = 0;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(shape, config)) {
            List<int[]> prompts = batch.stream().limit(4).map(TokenizedPair::prompt).toList();
            for (int s = 1; s <= steps; s++) {
                trainer.stepPairs(batch);
                if (s % 10 == 0) {
                    // Cached sampling and scoring run in the same process, as in the online loop.
                    trainer.policy().sample(prompts, SamplingConfig.unbiased(8, -1), s);
                }
                if (s == 100) {
                    rssAt100 = rssKb();
                }
                if (s == steps / 2) {
                    rssAtHalf = rssKb();
                }
                if (Boolean.getBoolean("tralign.memory.trace") && s % 250 == 0) {
                    Runtime rt = Runtime.getRuntime();
                    System.err.printf("step %d rss %.1f MB heap used %.1f MB%n", s, rssKb() / 1024.0,
                            (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
                }
            }
            return String.format(java.util.Locale.ROOT, "{\"steps\": %d, \"rss_mb_at_100\": %.1f, "
                    + "\"rss_mb_at_half\": %.1f, \"rss_mb_at_end\": %.1f}", steps, rssAt100 / 1024.0,
                    rssAtHalf / 1024.0, rssKb() / 1024.0);
        }
    }

    /**
     * Peak resident memory of training a Hugging Face decoder: loads it (weights through a temporary folder), runs
     * a full GC, resets the kernel's peak-RSS mark ({@code /proc/self/clear_refs}), trains {@code --steps} DPO steps
     * with a soft reference update after each, and reports the peak (VmHWM) over the training steps alone, per
     * parameter, next to the floor of float32 AdamW with a moving reference (policy 4 + reference 4 + gradient 4 +
     * Adam m and v 8 = 20 bytes per parameter). Flags: {@link #FLAGS}, --arch given.
     */
    public static String runHf(String[] args) {
        return runHf(parse(args));
    }

    private static String runHf(BenchFlags.Values f) {
        dev.tralign.trainer.model.hf.Architecture arch = dev.tralign.trainer.model.hf.Architecture.named(
                f.optionalString("arch"));
        int vocab = f.integer("vocab");
        int seq = f.integer("seq");
        int pairs = f.integer("pairs");
        int steps = f.given("steps") ? f.integer("steps") : 3;
        dev.tralign.trainer.model.hf.DecoderSpec spec = HfBenchModel.spec(arch, vocab, f.integer("embed"),
                f.integer("layers"), f.integer("heads"), f.integer("kv-heads"), f.integer("intermediate"),
                Math.max(f.integer("max-positions"), seq), f.optionalBool("tie"));
        long params = HfBenchModel.parameterCount(spec);
        TrainingConfig.Builder builder = TrainingConfig.builder().lossType(LossType.SIGMOID).learningRate(1e-4)
                .syncRefModel(true).refModelMixupAlpha(0.6).refModelSyncSteps(1).seed(0)
                .parallelReference(f.bool("parallel-reference")).microBatchShards(f.integer("shards"));
        TrainingConfig config = builder.build();
        LoraConfig lora = HfBenchModel.lora(f);
        List<TokenizedPair> batch = TrainerBench.randomBatch(vocab, seq, pairs);
        long baseKb = rssKb();
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        try (AlignmentTrainer trainer = HfBenchModel.trainer(spec, seq, config, lora)) {
            long loadPeakKb = statusKb("VmHWM:");
            long loadedBeforeGcKb = rssKb();
            HfBenchModel.settle();
            long loadedKb = rssKb();
            long heapLoaded = Runtime.getRuntime().totalMemory();
            resetPeak();
            long[] stepMs = new long[steps];
            long[] stepPeakKb = new long[steps];
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                trainer.stepPairs(batch);
                stepMs[s] = (System.nanoTime() - t0) / 1_000_000;
                stepPeakKb[s] = statusKb("VmHWM:");
            }
            long peakKb = statusKb("VmHWM:");
            long endKb = rssKb();
            Runtime rt = Runtime.getRuntime();
            out.put("arch", arch.modelType());
            out.put("params", params);
            out.put("seq", seq);
            out.put("pairs", pairs);
            out.put("steps", steps);
            out.put("lora", HfBenchModel.describe(lora));
            out.put("micro_batch_shards", trainer.config().microBatchShards());
            out.put("parallel_reference", trainer.config().parallelReference());
            out.put("rss_mb_jvm_started", mb(baseKb));
            out.put("rss_mb_peak_while_loading", mb(loadPeakKb));
            out.put("rss_mb_loaded_before_gc", mb(loadedBeforeGcKb));
            out.put("rss_mb_loaded", mb(loadedKb));
            out.put("java_heap_mb_committed_loaded", Math.round(heapLoaded / 1048576.0));
            out.put("rss_mb_peak_after_each_step", java.util.Arrays.stream(stepPeakKb).mapToObj(MemoryBench::mb)
                    .toList());
            out.put("rss_mb_peak_training", mb(peakKb));
            out.put("rss_mb_end", mb(endKb));
            out.put("java_heap_mb_committed_end", Math.round(rt.totalMemory() / 1048576.0));
            out.put("ms_per_step", java.util.Arrays.stream(stepMs).boxed().toList());
            long t0 = System.nanoTime();
            trainer.trustRegion().mix();
            out.put("ms_soft_update", (System.nanoTime() - t0) / 1_000_000);
            out.put("bytes_per_param_peak", Math.round(peakKb * 1024.0 / params * 10) / 10.0);
            out.put("bytes_per_param_peak_minus_jvm_start", Math.round((peakKb - baseKb) * 1024.0 / params * 10)
                    / 10.0);
            out.put("bytes_per_param_floor", 20);
        }
        StringBuilder sb = new StringBuilder("{");
        out.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(k).append("\": ").append(v instanceof String str ? "\"" + str + "\"" : v);
        });
        return sb.append('}').toString();
    }

    private static double mb(long kb) {
        return Math.round(kb / 1024.0 * 10) / 10.0;
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+: write 5 to /proc/self/clear_refs). */
    private static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the peak RSS through /proc/self/clear_refs", e);
        }
    }

    static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
