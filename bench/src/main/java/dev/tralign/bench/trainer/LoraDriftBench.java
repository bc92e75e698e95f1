package dev.tralign.bench.trainer;

import ai.djl.Device;
import dev.tralign.bench.BenchFlags;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.StepResult;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.config.LoraConfig.ReferenceMix;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.lora.LoraInit;
import dev.tralign.trainer.lora.LoraTargets;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.SplitMix64;
import dev.tralign.trainer.model.hf.Architecture;
import dev.tralign.trainer.model.hf.DecoderSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How far {@code lora_reference_mix=factors} drifts from {@code exact} on a TR-DPO run with soft updates (issue #16).
 * Two runs from the same base, adapters, seed and data, one per mode. Reported:
 * <ul>
 *   <li>along the exact run's own trajectory, at every reference update: the relative Frobenius distance
 *   ||scaling B_ref A_ref - delta_ref||_F / ||delta_ref||_F, summed over modules, between the reference the factors
 *   rule WOULD hold (A and B mixed separately from the same policy adapters) and the exact reference: the mixing
 *   error alone, on one trajectory;</li>
 *   <li>between the two runs: the same distance between their policies' deltas at the end, each run's last training
 *   losses, and on held-out pairs the policy's preference accuracy and DPO loss against the frozen base (the SFT
 *   model, the same yardstick for both: a win-rate proxy with the base as baseline).</li>
 * </ul>
 * Data: a learnable preference on random token sequences (chosen completions drawn from the lower half of the
 * vocabulary, rejected from the upper half). Flags: {@link #FLAGS} ({@code tralign bench lora-drift --help}).
 */
public final class LoraDriftBench {

    private LoraDriftBench() {
    }

    /** The flags of {@code tralign bench lora-drift}. */
    public static final BenchFlags FLAGS = BenchFlags.of("lora-drift")
            .choice("arch", "llama", "Decoder architecture", HfBenchModel.architectures())
            .integer("vocab", 512, 4, "Vocabulary size (chosen from the lower half, rejected from the upper)")
            .integer("embed", 128, 1, "Hidden size")
            .integer("layers", 4, 1, "Decoder layers")
            .integer("heads", 4, 1, "Attention heads")
            .integer("kv-heads", 2, 0, "Key/value heads (0: as --heads)")
            .integer("r", 8, 1, "LoRA rank")
            .decimal("lora-alpha", 16, "LoRA alpha")
            .string("targets", LoraConfig.ALL_LINEAR, "Adapted modules, comma-separated")
            .decimal("alpha", 0.5, "ref_model_mixup_alpha of the soft updates")
            .integer("tau", 4, 1, "ref_model_sync_steps: steps between reference updates")
            .integer("steps", 80, 1, "Training steps of each run")
            .decimal("lr", 5e-3, "Learning rate")
            .decimal("beta", 0.1, "DPO beta")
            .integer("pairs", 8, 1, "Preference pairs per batch")
            .build();

    public static String run(String[] args) {
        if (BenchFlags.helpAsked(args)) {
            return FLAGS.help();
        }
        BenchFlags.Values f = FLAGS.parse(args);
        Architecture arch = Architecture.named(f.string("arch"));
        int vocab = f.integer("vocab");
        DecoderSpec spec = HfBenchModel.spec(arch, vocab, f.integer("embed"), f.integer("layers"),
                f.integer("heads"), f.integer("kv-heads"), 0, 64, null);
        int r = f.integer("r");
        double loraAlpha = f.decimal("lora-alpha");
        List<String> targets = List.of(f.string("targets").split(","));
        double alpha = f.decimal("alpha");
        int tau = f.integer("tau");
        int steps = f.integer("steps");
        double beta = f.decimal("beta");
        int batchPairs = f.integer("pairs");
        TrainingConfig config = TrainingConfig.builder().lossType(LossType.SIGMOID).beta(beta)
                .learningRate(f.decimal("lr")).syncRefModel(true)
                .refModelMixupAlpha(alpha).refModelSyncSteps(tau).seed(1).build();
        List<TokenizedPair> train = preferencePairs(vocab, 64, 11);
        List<TokenizedPair> heldOut = preferencePairs(vocab, 64, 12);

        Path dir;
        try {
            dir = Files.createTempDirectory("tralign-lora-drift");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("arch", "\"" + arch.modelType() + "\"");
        out.put("params", HfBenchModel.parameterCount(spec));
        out.put("r", r);
        out.put("lora_alpha", loraAlpha);
        out.put("targets", "\"" + String.join(",", targets) + "\"");
        out.put("ref_model_mixup_alpha", alpha);
        out.put("ref_model_sync_steps", tau);
        out.put("steps", steps);
        try {
            Run exact = train(spec, config, new LoraConfig(r, loraAlpha, 0, targets, false, ReferenceMix.EXACT),
                    train, heldOut, batchPairs, steps, tau, dir.resolve("exact"));
            Run factors = train(spec, config, new LoraConfig(r, loraAlpha, 0, targets, false, ReferenceMix.FACTORS),
                    train, heldOut, batchPairs, steps, tau, dir.resolve("factors"));
            out.put("mixing_error_rel_frobenius_per_update", exact.mixingErrors.stream()
                    .map(d -> String.format(Locale.ROOT, "%.2e", d)).toList());
            out.put("final_policy_delta_rel_frobenius_factors_vs_exact",
                    String.format(Locale.ROOT, "%.3e", relativeDistance(factors.finalDeltas, exact.finalDeltas)));
            out.put("final_reference_delta_rel_frobenius_factors_vs_exact",
                    String.format(Locale.ROOT, "%.3e", relativeDistance(factors.finalReference, exact.finalReference)));
            for (Run run : List.of(exact, factors)) {
                String p = run.mode + "_";
                out.put(p + "train_loss_last10", fmt(run.lastLosses));
                out.put(p + "heldout_accuracy_vs_base", fmt(run.accuracy));
                out.put(p + "heldout_dpo_loss_vs_base", fmt(run.lossVsBase));
                out.put(p + "ms_per_step", fmt(run.msPerStep));
            }
        } finally {
            HfBenchModel.deleteTree(dir);
        }
        StringBuilder sb = new StringBuilder("{");
        out.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
        return sb.append('}').toString();
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    private static final class Run {
        String mode;
        final List<Double> mixingErrors = new ArrayList<>();
        Map<String, float[]> finalDeltas;
        Map<String, float[]> finalReference;
        double lastLosses;
        double accuracy;
        double lossVsBase;
        double msPerStep;
    }

    private static Run train(DecoderSpec spec, TrainingConfig config, LoraConfig lora, List<TokenizedPair> data,
            List<TokenizedPair> heldOut, int batchPairs, int steps, int tau, Path dir) {
        Run run = new Run();
        run.mode = lora.referenceMix().name().toLowerCase(Locale.ROOT);
        double scaling = lora.scaling();
        List<TokenizedExample> chosen = heldOut.stream().map(p -> new TokenizedExample(p.id(), p.prompt(),
                p.chosen())).toList();
        List<TokenizedExample> rejected = heldOut.stream().map(p -> new TokenizedExample(p.id(), p.prompt(),
                p.rejected())).toList();
        try (AlignmentTrainer trainer = HfBenchModel.trainer(spec, 32, config, lora)) {
            double[] baseChosen;
            double[] baseRejected;
            try (Policy base = trainer.policy()) {
                baseChosen = base.completionLogProbs(chosen);
                baseRejected = base.completionLogProbs(rejected);
            }
            // The factors rule's reference, shadowed along this run's policy trajectory: starts as the first adapters.
            Map<String, float[]> shadow;
            try (ParameterSet first = LoraInit.adapters(LoraTargets.select(spec, lora), config.seed(),
                    Device.cpu())) {
                shadow = first.toFloatArrays();
            }
            double lossSum = 0;
            long nanos = 0;
            for (int s = 1; s <= steps; s++) {
                int from = ((s - 1) * batchPairs) % data.size();
                List<TokenizedPair> batch = data.subList(from, Math.min(from + batchPairs, data.size()));
                long t0 = System.nanoTime();
                StepResult result = trainer.stepPairs(batch);
                nanos += System.nanoTime() - t0;
                if (s > steps - 10) {
                    lossSum += result.loss();
                }
                if (s % tau == 0 || s == steps) {
                    CheckpointFile.Contents c = save(trainer, dir, s);
                    Map<String, float[]> policy = values(c.group("policy"));
                    if (s % tau == 0) {
                        mixFactors(shadow, policy, config.refModelMixupAlpha());
                        if (lora.referenceMix() == ReferenceMix.EXACT) {
                            run.mixingErrors.add(relativeDistance(deltas(shadow, scaling, lora.r()),
                                    values(c.group("reference"))));
                        }
                    }
                    if (s == steps) {
                        run.finalDeltas = deltas(policy, scaling, lora.r());
                        Map<String, float[]> ref = values(c.group("reference"));
                        run.finalReference = lora.referenceMix() == ReferenceMix.EXACT ? ref
                                : deltas(ref, scaling, lora.r());
                    }
                }
            }
            run.lastLosses = lossSum / Math.min(10, steps);
            run.msPerStep = nanos / 1e6 / steps;
            try (Policy policy = trainer.policy()) {
                double[] c = policy.completionLogProbs(chosen);
                double[] rj = policy.completionLogProbs(rejected);
                double correct = 0;
                double loss = 0;
                for (int i = 0; i < c.length; i++) {
                    double margin = (c[i] - baseChosen[i]) - (rj[i] - baseRejected[i]);
                    correct += margin > 0 ? 1 : margin == 0 ? 0.5 : 0;
                    loss += Math.log1p(Math.exp(-config.beta() * margin));
                }
                run.accuracy = correct / c.length;
                run.lossVsBase = loss / c.length;
            }
        }
        return run;
    }

    private static CheckpointFile.Contents save(AlignmentTrainer trainer, Path dir, int step) {
        Path file = dir.resolve("step-" + step + ".ckpt");
        trainer.saveCheckpoint(file);
        CheckpointFile.Contents c = CheckpointFile.read(file, Set.of("policy", "reference"));
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".sha256"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    private static Map<String, float[]> values(Map<String, CheckpointFile.Tensor> group) {
        Map<String, float[]> out = new LinkedHashMap<>();
        group.forEach((k, t) -> out.put(k, t.values()));
        return out;
    }

    /** ref <- alpha policy + (1 - alpha) ref, factor by factor (what lora_reference_mix=factors does). */
    private static void mixFactors(Map<String, float[]> ref, Map<String, float[]> policy, double alpha) {
        ref.forEach((k, v) -> {
            float[] p = policy.get(k);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (alpha * p[i] + (1 - alpha) * v[i]);
            }
        });
    }

    /** scaling B A per module, keyed like the exact reference (".delta"). */
    private static Map<String, float[]> deltas(Map<String, float[]> adapters, double scaling, int r) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String key : adapters.keySet()) {
            if (!key.endsWith(".lora_A")) {
                continue;
            }
            String module = key.substring(0, key.length() - ".lora_A".length());
            float[] a = adapters.get(key);
            float[] b = adapters.get(module + ".lora_B");
            int in = a.length / r;
            int rows = b.length / r;
            float[] d = new float[rows * in];
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < r; k++) {
                    double bik = b[i * r + k] * scaling;
                    for (int j = 0; j < in; j++) {
                        d[i * in + j] += (float) (bik * a[k * in + j]);
                    }
                }
            }
            out.put(module + ".delta", d);
        }
        return out;
    }

    /** sqrt(sum ||x - y||^2) / sqrt(sum ||y||^2) over all modules. */
    static double relativeDistance(Map<String, float[]> x, Map<String, float[]> y) {
        double diff = 0;
        double norm = 0;
        for (Map.Entry<String, float[]> e : y.entrySet()) {
            float[] a = x.get(e.getKey());
            float[] b = e.getValue();
            for (int i = 0; i < b.length; i++) {
                double d = a[i] - b[i];
                diff += d * d;
                norm += (double) b[i] * b[i];
            }
        }
        return norm == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(diff / norm);
    }

    /** Pairs whose chosen completion is drawn from the lower half of the vocabulary, the rejected from the upper. */
    static List<TokenizedPair> preferencePairs(int vocab, int count, long seed) {
        SplitMix64 random = new SplitMix64(seed);
        List<TokenizedPair> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new TokenizedPair("drift-" + seed + "-" + i, draw(random, 8, 0, vocab), draw(random, 8, 0,
                    vocab / 2), draw(random, 8, vocab / 2, vocab)));
        }
        return out;
    }

    private static int[] draw(SplitMix64 random, int n, int from, int to) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = from + (int) Math.floorMod(random.nextLong(), to - from);
        }
        return t;
    }
}
