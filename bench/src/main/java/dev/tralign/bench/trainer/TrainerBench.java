package dev.tralign.bench.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.ScriptedLm;
import dev.tralign.trainer.model.SplitMix64;
import dev.tralign.trainer.reference.TrustRegionUpdater;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trainer's counterpart of {@code bench/torch_dpo_step.py}: same model shape, same batch (2 x pairs random
 * sequences of {@code seq} tokens, first half prompt), one sigmoid DPO step = policy forward+backward, reference
 * forward, AdamW step (lr 1e-4, no decay, no clipping, like the peer's Adam). Prints one JSON line with the peer's
 * keys plus {@code gemm_gflops_per_s}, a measured fp32 GEMM through DJL at the same thread count.
 * Flags: --vocab --embed --layers --heads --seq --pairs --threads --steps (30) --warmup (20) --beta --alpha,
 * --parallel-reference true|false (reference forward on a second thread; default true),
 * --backward-threads N (intra-op threads for backward + optimizer; default: TrainingConfig's),
 * --shards 1|2 (TrainingConfig.microBatchShards; default: TrainingConfig's).
 * <p>{@code --arch gpt} (default) is the built-in tiny GPT; {@code --arch llama|qwen2|mistral|gpt_neox|gpt2} a randomly
 * initialised Hugging Face decoder of the same flags ({@code --embed} = hidden size; {@code --kv-heads},
 * {@code --intermediate} as the peer's {@code --arch llama}, whose default MLP width is used for SwiGLU models;
 * {@code --tie true|false}, default: tied for gpt2 only), loaded through a temporary folder by
 * {@link AlignmentTrainer#fromHuggingFace} and trained natively. {@code --path torchscript --model FILE.pt} trains a
 * TorchScript export instead (e.g. {@code bench/scripts/export_llama_torchscript.py}: the peer's TinyLlama, scripted).
 * For llama the JSON also carries {@code peer_params}, the count the peer prints for the same flags.
 * {@code --device gpu} (TrainingConfig.device; untested here, docs/gpu.md) runs the step there; the soft update and
 * the GEMM reference figure stay on the CPU.
 */
public final class TrainerBench {

    private TrainerBench() {
    }

    public static void main(String[] args) {
        System.out.println(run(args));
    }

    /** Runs the benchmark and returns its JSON line. */
    public static String run(String[] args) {
        Map<String, String> flags = parse(args);
        int vocab = intFlag(flags, "vocab", 64);
        int embed = intFlag(flags, "embed", 128);
        int layers = intFlag(flags, "layers", 2);
        int heads = intFlag(flags, "heads", 4);
        int seq = intFlag(flags, "seq", 64);
        int pairs = intFlag(flags, "pairs", 16);
        int threads = intFlag(flags, "threads", 1);
        int steps = intFlag(flags, "steps", 30);
        // Longer than the peer's default 5: the JVM's JIT compiles for the first ~20 steps and, on a small machine,
        // takes CPU from the second thread while it does (14% of a 25-step run's CPU, async-profiler). The peer has
        // no JIT; only steady-state steps are timed on either side.
        int warmup = intFlag(flags, "warmup", 20);
        double beta = Double.parseDouble(flags.getOrDefault("beta", "0.1"));
        double alpha = Double.parseDouble(flags.getOrDefault("alpha", "0.6"));
        boolean parallel = Boolean.parseBoolean(flags.getOrDefault("parallel-reference", "true"));
        TrainingConfig defaults = TrainingConfig.builder().build();
        int backwardThreads = intFlag(flags, "backward-threads", defaults.backwardThreads());
        int shards = intFlag(flags, "shards", defaults.microBatchShards());

        String arch = flags.getOrDefault("arch", "gpt");
        String path = flags.getOrDefault("path", "native");
        if (!arch.equals("gpt") || !path.equals("native")) {
            return runHf(flags, arch, path);
        }
        ModelConfig shape = new ModelConfig(vocab, embed, layers, heads, seq);
        String device = flags.getOrDefault("device", "cpu");
        TrainingConfig config = TrainingConfig.builder().lossType(LossType.SIGMOID).beta(beta).learningRate(1e-4)
                .maxGradNorm(0).intraOpThreads(threads).parallelReference(parallel)
                .backwardThreads(backwardThreads).microBatchShards(shards).device(device).seed(0).build();
        List<TokenizedPair> batch = randomBatch(vocab, seq, pairs);

        double stepMs;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(shape, config)) {
            for (int i = 0; i < warmup; i++) {
                trainer.stepPairs(batch);
            }
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                trainer.stepPairs(batch);
            }
            stepMs = (System.nanoTime() - start) / 1e6 / steps;
        }
        double updateMs = softUpdateMs(shape, alpha, steps);
        double gemm = gemmGflops(threads);

        long params = shape.parameterCount();
        long tokensPerStep = 2L * pairs * (seq - 1);
        double flops = 8.0 * params * tokensPerStep;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", "tralign-djl");
        out.put("torch", ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
        out.put("device", device);
        out.put("threads", threads);
        out.put("parallel_reference", parallel);
        out.put("backward_threads", backwardThreads);
        out.put("micro_batch_shards", shards);
        out.put("params", params);
        out.put("ms_per_dpo_step", round(stepMs, 3));
        out.put("ms_per_soft_update", round(updateMs, 3));
        out.put("tokens_per_s", round(tokensPerStep / (stepMs / 1e3), 1));
        out.put("model_gflops_per_s", round(flops / (stepMs / 1e3) / 1e9, 3));
        out.put("gemm_gflops_per_s", round(gemm, 3));
        return toJson(out);
    }

    /** A Hugging Face architecture (native) or a TorchScript file, with the same batch, config and timing. */
    private static String runHf(Map<String, String> flags, String arch, String path) {
        int vocab = intFlag(flags, "vocab", 64);
        int embed = intFlag(flags, "embed", 128);
        int layers = intFlag(flags, "layers", 2);
        int heads = intFlag(flags, "heads", 4);
        int kvHeads = intFlag(flags, "kv-heads", 0);
        int intermediate = intFlag(flags, "intermediate", 0);
        int seq = intFlag(flags, "seq", 64);
        int pairs = intFlag(flags, "pairs", 16);
        int threads = intFlag(flags, "threads", 1);
        int steps = intFlag(flags, "steps", 30);
        int warmup = intFlag(flags, "warmup", 20);
        double beta = Double.parseDouble(flags.getOrDefault("beta", "0.1"));
        double alpha = Double.parseDouble(flags.getOrDefault("alpha", "0.6"));
        boolean parallel = Boolean.parseBoolean(flags.getOrDefault("parallel-reference", "true"));
        TrainingConfig defaults = TrainingConfig.builder().build();
        int backwardThreads = intFlag(flags, "backward-threads", defaults.backwardThreads());
        int shards = intFlag(flags, "shards", defaults.microBatchShards());
        Boolean tie = flags.containsKey("tie") ? Boolean.parseBoolean(flags.get("tie")) : null;
        if (!path.equals("native") && !path.equals("torchscript")) {
            throw new IllegalArgumentException("--path must be native or torchscript, got '" + path + "'");
        }
        String device = flags.getOrDefault("device", "cpu");
        TrainingConfig config = TrainingConfig.builder().lossType(LossType.SIGMOID).beta(beta).learningRate(1e-4)
                .maxGradNorm(0).intraOpThreads(threads).parallelReference(parallel)
                .backwardThreads(backwardThreads).microBatchShards(shards).device(device).seed(0).build();
        List<TokenizedPair> batch = randomBatch(vocab, seq, pairs);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", path.equals("native") ? "tralign-djl" : "tralign-djl-torchscript");
        out.put("arch", arch);
        long params;
        double stepMs;
        double updateMs;
        int effectiveShards;
        if (path.equals("torchscript")) {
            String model = flags.get("model");
            if (model == null) {
                throw new IllegalArgumentException("--path torchscript needs --model FILE.pt (a TorchScript export "
                        + "whose forward maps ids [N, W] int64 to logits [N, W, vocab])");
            }
            List<ParameterSpec> layout;
            try (ScriptedLm probe = new ScriptedLm(Path.of(model), vocab, seq, ai.djl.Device.cpu())) {
                layout = probe.layout();
            }
            params = layout.stream().mapToLong(ParameterSpec::size).sum();
            try (AlignmentTrainer trainer = AlignmentTrainer.createFromTorchScript(Path.of(model), vocab, seq,
                    config)) {
                effectiveShards = trainer.config().microBatchShards();
                stepMs = timeSteps(trainer, batch, warmup, steps);
            }
            updateMs = softUpdateMs(layout, alpha, steps);
        } else {
            dev.tralign.trainer.model.hf.Architecture a = dev.tralign.trainer.model.hf.Architecture.named(arch);
            dev.tralign.trainer.model.hf.DecoderSpec spec = HfBenchModel.spec(a, vocab, embed, layers, heads, kvHeads,
                    intermediate, seq, tie);
            params = HfBenchModel.parameterCount(spec);
            out.put("kv_heads", spec.kvHeads());
            out.put("intermediate", spec.intermediate());
            out.put("tied_head", spec.tiedHead());
            if (a == dev.tralign.trainer.model.hf.Architecture.LLAMA) {
                out.put("peer_params", HfBenchModel.peerLlamaParameterCount(vocab, embed, layers, heads,
                        spec.kvHeads(), spec.intermediate()));
            }
            try (AlignmentTrainer trainer = HfBenchModel.trainer(spec, seq, config)) {
                effectiveShards = trainer.config().microBatchShards();
                stepMs = timeSteps(trainer, batch, warmup, steps);
            }
            updateMs = softUpdateMs(dev.tralign.trainer.model.hf.DecoderLayout.of(spec), alpha, steps);
        }
        double gemm = gemmGflops(threads);
        long tokensPerStep = 2L * pairs * (seq - 1);
        double flops = 8.0 * params * tokensPerStep;
        out.put("torch", ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
        out.put("device", device);
        out.put("threads", threads);
        out.put("parallel_reference", parallel);
        out.put("backward_threads", backwardThreads);
        out.put("micro_batch_shards", effectiveShards);
        out.put("params", params);
        out.put("ms_per_dpo_step", round(stepMs, 3));
        out.put("ms_per_soft_update", round(updateMs, 3));
        out.put("tokens_per_s", round(tokensPerStep / (stepMs / 1e3), 1));
        out.put("model_gflops_per_s", round(flops / (stepMs / 1e3) / 1e9, 3));
        out.put("gemm_gflops_per_s", round(gemm, 3));
        return toJson(out);
    }

    private static double timeSteps(AlignmentTrainer trainer, List<TokenizedPair> batch, int warmup, int steps) {
        for (int i = 0; i < warmup; i++) {
            trainer.stepPairs(batch);
        }
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            trainer.stepPairs(batch);
        }
        return (System.nanoTime() - start) / 1e6 / steps;
    }

    /** Soft updates between two parameter sets of {@code layout} (zeros: same work as any finite values). */
    private static double softUpdateMs(List<ParameterSpec> layout, double alpha, int steps) {
        try (ParameterSet a = ParameterSet.zeros(layout, ai.djl.Device.cpu());
                ParameterSet b = ParameterSet.zeros(layout, ai.djl.Device.cpu())) {
            TrustRegionUpdater updater = new TrustRegionUpdater(a, b, true, alpha, 1, 0);
            for (int i = 0; i < 3; i++) {
                updater.mix();
            }
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                updater.mix();
            }
            return (System.nanoTime() - start) / 1e6 / steps;
        }
    }

    /** The peer's data: random tokens, prompt = first half of each sequence, chosen and rejected unrelated. */
    static List<TokenizedPair> randomBatch(int vocab, int seq, int pairs) {
        SplitMix64 random = new SplitMix64(0);
        int promptLength = seq / 2;
        int completionLength = seq - promptLength;
        List<TokenizedPair> batch = new ArrayList<>(pairs);
        for (int i = 0; i < pairs; i++) {
            batch.add(new TokenizedPair("bench-" + i, tokens(random, promptLength, vocab),
                    tokens(random, completionLength, vocab), tokens(random, completionLength, vocab)));
        }
        return batch;
    }

    private static int[] tokens(SplitMix64 random, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (int) Math.floorMod(random.nextLong(), vocab);
        }
        return t;
    }

    private static double softUpdateMs(ModelConfig shape, double alpha, int steps) {
        try (ParameterSet policy = ParameterSet.initialise(shape, 1, ai.djl.Device.cpu());
                ParameterSet reference = ParameterSet.initialise(shape, 2, ai.djl.Device.cpu())) {
            TrustRegionUpdater updater = new TrustRegionUpdater(policy, reference, true, alpha, 1, 0);
            for (int i = 0; i < 3; i++) {
                updater.mix();
            }
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                updater.mix();
            }
            return (System.nanoTime() - start) / 1e6 / steps;
        }
    }

    /** fp32 GEMM throughput of this machine through DJL at the given intra-op thread count. */
    static double gemmGflops(int threads) {
        Autograd.setIntraOpThreads(threads);
        int n = 512;
        int reps = 20;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(n, n));
            NDArray b = manager.randomNormal(new Shape(n, n));
            for (int i = 0; i < 3; i++) {
                a.matMul(b).close();
            }
            long start = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                a.matMul(b).close();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return 2.0 * n * n * n * reps / seconds / 1e9;
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "': flags are --name value");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (!List.of("vocab", "embed", "layers", "heads", "seq", "pairs", "threads", "steps", "warmup", "beta",
                    "alpha", "parallel-reference", "backward-threads", "shards", "arch", "kv-heads", "intermediate",
                    "tie", "path", "model", "device").contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name + "; known: --vocab --embed --layers "
                        + "--heads --seq --pairs --threads --steps --warmup --beta --alpha --parallel-reference "
                        + "--backward-threads --shards --arch --kv-heads --intermediate --tie --path --model --device");
            }
            flags.put(name, value);
        }
        return flags;
    }

    private static int intFlag(Map<String, String> flags, String name, int fallback) {
        String v = flags.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'", e);
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static String toJson(Map<String, Object> values) {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(k).append("\": ");
            sb.append(v instanceof String s ? "\"" + s + "\"" : String.format(Locale.ROOT, "%s", v));
        });
        return sb.append('}').toString();
    }
}
