package dev.tralign.bench.trainer;

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
 * JSON line. Flags: --steps (default 2000).
 * <p>With {@code --arch gpt2|llama|qwen2|mistral|gpt_neox} it measures instead the peak memory of float32 AdamW
 * training with a moving reference (soft update every step) of a randomly initialised Hugging Face decoder, by
 * default GPT-2 small (124M parameters: vocab 50257, hidden 768, 12 layers, 12 heads, 1024 positions, tied head)
 * on 2 pairs of 256 tokens: {@link #runHf}; with {@code --lora-r R} the same run trains LoRA adapters (lora_alpha
 * 2R, {@code --lora-targets}, default all-linear; {@code --lora-mix exact|factors}) over the frozen base.
 */
public final class MemoryBench {

    private MemoryBench() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && java.util.Arrays.asList(args).contains("--arch")) {
            System.out.println(runHf(args));
            return;
        }
        int steps = args.length == 2 && args[0].equals("--steps") ? Integer.parseInt(args[1]) : 2000;
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
            System.out.printf("{\"steps\": %d, \"rss_mb_at_100\": %.1f, \"rss_mb_at_half\": %.1f, "
                    + "\"rss_mb_at_end\": %.1f}%n", steps, rssAt100 / 1024.0, rssAtHalf / 1024.0, rssKb() / 1024.0);
        }
    }

    /**
     * Peak resident memory of training a Hugging Face decoder: loads it (weights through a temporary folder), runs
     * a full GC, resets the kernel's peak-RSS mark ({@code /proc/self/clear_refs}), trains {@code --steps} DPO steps
     * with a soft reference update after each, and reports the peak (VmHWM) over the training steps alone, per
     * parameter, next to the floor of float32 AdamW with a moving reference (policy 4 + reference 4 + gradient 4 +
     * Adam m and v 8 = 20 bytes per parameter). Flags: --arch (gpt2) --vocab (50257) --embed (768) --layers (12)
     * --heads (12) --kv-heads --intermediate --max-positions (1024) --tie --seq (256) --pairs (2) --steps (3)
     * --shards (TrainingConfig's default) --parallel-reference (true).
     */
    public static String runHf(String[] args) {
        java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("flags are --name value, got '" + args[i] + "'");
            }
            String name = args[i].substring(2);
            if (!List.of("arch", "vocab", "embed", "layers", "heads", "kv-heads", "intermediate", "max-positions",
                    "tie", "seq", "pairs", "steps", "shards", "parallel-reference", "lora-r", "lora-targets",
                    "lora-mix").contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name + "; known: --arch --vocab --embed "
                        + "--layers --heads --kv-heads --intermediate --max-positions --tie --seq --pairs --steps "
                        + "--shards --parallel-reference --lora-r --lora-targets --lora-mix");
            }
            f.put(name, args[++i]);
        }
        dev.tralign.trainer.model.hf.Architecture arch = dev.tralign.trainer.model.hf.Architecture.named(
                f.getOrDefault("arch", "gpt2"));
        int vocab = Integer.parseInt(f.getOrDefault("vocab", "50257"));
        int seq = Integer.parseInt(f.getOrDefault("seq", "256"));
        int pairs = Integer.parseInt(f.getOrDefault("pairs", "2"));
        int steps = Integer.parseInt(f.getOrDefault("steps", "3"));
        int maxPositions = Integer.parseInt(f.getOrDefault("max-positions", "1024"));
        dev.tralign.trainer.model.hf.DecoderSpec spec = HfBenchModel.spec(arch, vocab,
                Integer.parseInt(f.getOrDefault("embed", "768")), Integer.parseInt(f.getOrDefault("layers", "12")),
                Integer.parseInt(f.getOrDefault("heads", "12")), Integer.parseInt(f.getOrDefault("kv-heads", "0")),
                Integer.parseInt(f.getOrDefault("intermediate", "0")), Math.max(maxPositions, seq),
                f.containsKey("tie") ? Boolean.parseBoolean(f.get("tie")) : null);
        long params = HfBenchModel.parameterCount(spec);
        TrainingConfig.Builder builder = TrainingConfig.builder().lossType(LossType.SIGMOID).learningRate(1e-4)
                .syncRefModel(true).refModelMixupAlpha(0.6).refModelSyncSteps(1).seed(0)
                .parallelReference(Boolean.parseBoolean(f.getOrDefault("parallel-reference", "true")));
        if (f.containsKey("shards")) {
            builder.microBatchShards(Integer.parseInt(f.get("shards")));
        }
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
