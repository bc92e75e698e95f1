package dev.tralign.bench.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tralign.bench.BenchFlags;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.config.LoraConfig;
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
 * Flags: {@link #FLAGS} ({@code tralign bench trainer --help}).
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

    private static final TrainingConfig DEFAULTS = TrainingConfig.builder().build();

    /** The flags of {@code tralign bench trainer}: the peer's (torch_dpo_step.py) plus the trainer's own. */
    public static final BenchFlags FLAGS = HfBenchModel.loraFlags(BenchFlags.of("trainer")
            .choice("arch", "gpt", "gpt: the built-in tiny GPT; else a randomly initialised Hugging Face decoder",
                    HfBenchModel.architectures("gpt"))
            .integer("vocab", 64, 2, "Vocabulary size")
            .integer("embed", 128, 1, "Hidden size")
            .integer("layers", 2, 1, "Decoder layers")
            .integer("heads", 4, 1, "Attention heads")
            .integer("kv-heads", 0, 0, "Hugging Face decoders: key/value heads (0: as --heads)")
            .integer("intermediate", 0, 0, "Hugging Face decoders: MLP width (0: the peer's for SwiGLU models)")
            .optionalBool("tie", "tied for gpt2 only", "Hugging Face decoders: tie the head to the embedding")
            .integer("seq", 64, 2, "Tokens per sequence (first half prompt)")
            .integer("pairs", 16, 1, "Preference pairs per batch")
            .integer("threads", 1, 1, "Intra-op threads")
            .string("device", "cpu", "Where the step runs: cpu, gpu or gpu1, ... (TrainingConfig.device; docs/gpu.md)")
            .integer("steps", 30, 1, "Timed steps")
            // Longer than the peer's default 5: the JVM's JIT compiles for the first ~20 steps and, on a small
            // machine, takes CPU from the second thread while it does (14% of a 25-step run's CPU,
            // async-profiler). The peer has no JIT; only steady-state steps are timed on either side.
            .integer("warmup", 20, 0, "Untimed steps first (the JIT's)")
            .decimal("beta", 0.1, "DPO beta")
            .decimal("alpha", 0.6, "Soft-update mixing weight of the timed reference update")
            .bool("parallel-reference", true, "Reference forward on a second thread")
            .integer("backward-threads", DEFAULTS.backwardThreads(), 1,
                    "Intra-op threads for backward + optimizer (TrainingConfig's default)")
            .integer("shards", DEFAULTS.microBatchShards(), 1,
                    "Micro-batch shards (TrainingConfig.microBatchShards)")
            .choice("path", "native", "torchscript trains the TorchScript file --model instead", "native",
                    "torchscript")
            .optionalString("model", "none", "With --path torchscript: the exported FILE.pt "
                    + "(bench/scripts/export_llama_torchscript.py)"))
            .build();

    public static void main(String[] args) {
        System.out.println(BenchFlags.helpAsked(args) ? FLAGS.help() : run(args));
    }

    /** The flags both model paths read, parsed once. */
    private record StepFlags(int vocab, int embed, int layers, int heads, int seq, int pairs, int threads, int steps,
            int warmup, double beta, double alpha, boolean parallel, int backwardThreads, int shards, String device) {

        static StepFlags of(BenchFlags.Values flags) {
            return new StepFlags(flags.integer("vocab"), flags.integer("embed"), flags.integer("layers"),
                    flags.integer("heads"), flags.integer("seq"), flags.integer("pairs"), flags.integer("threads"),
                    flags.integer("steps"), flags.integer("warmup"), flags.decimal("beta"), flags.decimal("alpha"),
                    flags.bool("parallel-reference"), flags.integer("backward-threads"), flags.integer("shards"),
                    flags.string("device"));
        }

        /** The peer's step: sigmoid DPO, Adam at 1e-4, no clipping. */
        TrainingConfig config() {
            return TrainingConfig.builder().lossType(LossType.SIGMOID).beta(beta).learningRate(1e-4)
                    .maxGradNorm(0).intraOpThreads(threads).parallelReference(parallel)
                    .backwardThreads(backwardThreads).microBatchShards(shards).device(device).seed(0).build();
        }

        List<TokenizedPair> batch() {
            return randomBatch(vocab, seq, pairs);
        }
    }

    /** Runs the benchmark and returns its JSON line. */
    public static String run(String[] args) {
        BenchFlags.Values flags = FLAGS.parse(args);
        StepFlags f = StepFlags.of(flags);
        String arch = flags.string("arch");
        String path = flags.string("path");
        if (!arch.equals("gpt") || !path.equals("native")) {
            return runHf(flags, f, arch, path);
        }
        ModelConfig shape = new ModelConfig(f.vocab(), f.embed(), f.layers(), f.heads(), f.seq());
        double stepMs;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(shape, f.config())) {
            stepMs = timeSteps(trainer, f.batch(), f.warmup(), f.steps());
        }
        double updateMs;
        try (ParameterSet policy = ParameterSet.initialise(shape, 1, ai.djl.Device.cpu());
                ParameterSet reference = ParameterSet.initialise(shape, 2, ai.djl.Device.cpu())) {
            updateMs = softUpdateMs(policy, reference, f.alpha(), f.steps());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", "tralign-djl");
        return report(out, f, f.shards(), shape.parameterCount(), stepMs, updateMs);
    }

    /** A Hugging Face architecture (native) or a TorchScript file, with the same batch, config and timing. */
    private static String runHf(BenchFlags.Values flags, StepFlags f, String arch, String path) {
        int kvHeads = flags.integer("kv-heads");
        int intermediate = flags.integer("intermediate");
        Boolean tie = flags.optionalBool("tie");
        TrainingConfig config = f.config();
        List<TokenizedPair> batch = f.batch();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", path.equals("native") ? "tralign-djl" : "tralign-djl-torchscript");
        out.put("arch", arch);
        long params;
        double stepMs;
        List<ParameterSpec> layout;
        int effectiveShards;
        if (path.equals("torchscript")) {
            String model = flags.optionalString("model");
            if (model == null) {
                throw new IllegalArgumentException("--path torchscript needs --model FILE.pt (a TorchScript export "
                        + "whose forward maps ids [N, W] int64 to logits [N, W, vocab])");
            }
            try (ScriptedLm probe = new ScriptedLm(Path.of(model), f.vocab(), f.seq(), ai.djl.Device.cpu())) {
                layout = probe.layout();
            }
            params = layout.stream().mapToLong(ParameterSpec::size).sum();
            try (AlignmentTrainer trainer = AlignmentTrainer.createFromTorchScript(Path.of(model), f.vocab(), f.seq(),
                    config)) {
                effectiveShards = trainer.config().microBatchShards();
                stepMs = timeSteps(trainer, batch, f.warmup(), f.steps());
            }
        } else {
            dev.tralign.trainer.model.hf.Architecture a = dev.tralign.trainer.model.hf.Architecture.named(arch);
            dev.tralign.trainer.model.hf.DecoderSpec spec = HfBenchModel.spec(a, f.vocab(), f.embed(), f.layers(),
                    f.heads(), kvHeads, intermediate, f.seq(), tie);
            params = HfBenchModel.parameterCount(spec);
            out.put("kv_heads", spec.kvHeads());
            out.put("intermediate", spec.intermediate());
            out.put("tied_head", spec.tiedHead());
            if (a == dev.tralign.trainer.model.hf.Architecture.LLAMA) {
                out.put("peer_params", HfBenchModel.peerLlamaParameterCount(f.vocab(), f.embed(), f.layers(),
                        f.heads(), spec.kvHeads(), spec.intermediate()));
            }
            LoraConfig lora = HfBenchModel.lora(flags);
            out.put("lora", HfBenchModel.describe(lora));
            try (AlignmentTrainer trainer = HfBenchModel.trainer(spec, f.seq(), config, lora)) {
                effectiveShards = trainer.config().microBatchShards();
                stepMs = timeSteps(trainer, batch, f.warmup(), f.steps());
                if (lora != null) {
                    // The adapters' own update (factors: A and B; exact: scaling B A into the full deltas).
                    long t0 = System.nanoTime();
                    for (int i = 0; i < f.steps(); i++) {
                        trainer.trustRegion().mix();
                    }
                    double loraUpdateMs = (System.nanoTime() - t0) / 1e6 / f.steps();
                    return report(out, f, effectiveShards, params, stepMs, loraUpdateMs);
                }
            }
            layout = dev.tralign.trainer.model.hf.DecoderLayout.of(spec);
        }
        double updateMs;
        try (ParameterSet a = ParameterSet.zeros(layout, ai.djl.Device.cpu());
                ParameterSet b = ParameterSet.zeros(layout, ai.djl.Device.cpu())) {
            updateMs = softUpdateMs(a, b, f.alpha(), f.steps());
        }
        return report(out, f, effectiveShards, params, stepMs, updateMs);
    }

    /** The peer's keys after {@code out}'s own: what ran, the step time and throughput, the GEMM reference. */
    private static String report(Map<String, Object> out, StepFlags f, int shards, long params, double stepMs,
            double updateMs) {
        double gemm = gemmGflops(f.threads());
        long tokensPerStep = 2L * f.pairs() * (f.seq() - 1);
        double flops = 8.0 * params * tokensPerStep;
        out.put("torch", ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
        out.put("device", f.device());
        out.put("threads", f.threads());
        out.put("parallel_reference", f.parallel());
        out.put("backward_threads", f.backwardThreads());
        out.put("micro_batch_shards", shards);
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

    /** Soft updates of {@code reference} towards {@code policy}, ms each (3 untimed first). */
    private static double softUpdateMs(ParameterSet policy, ParameterSet reference, double alpha, int steps) {
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
