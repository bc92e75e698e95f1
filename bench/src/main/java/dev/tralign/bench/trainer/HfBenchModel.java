package dev.tralign.bench.trainer;

import dev.tralign.bench.BenchFlags;

import ai.djl.Device;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.hf.Architecture;
import dev.tralign.trainer.model.hf.DecoderLayout;
import dev.tralign.trainer.model.hf.DecoderSpec;
import dev.tralign.trainer.model.hf.HfInit;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A randomly initialised Hugging Face decoder of a benchmark's shape (architecture conventions from {@link HfInit}),
 * trained natively through {@link AlignmentTrainer#fromHuggingFace}: the weights go through a temporary folder
 * (config.json + model.safetensors), exactly as a user's model would, and the folder is deleted once loaded.
 */
final class HfBenchModel {

    private HfBenchModel() {
    }

    /**
     * The MLP width {@code torch_dpo_step.py --arch llama} uses when {@code --intermediate} is not given:
     * ceil(8E/3) rounded up to a multiple of 16 (HfInit's own default rounds to 8, which differs at some widths).
     */
    static int peerIntermediate(int embed) {
        int w = (8 * embed + 2) / 3;
        return (w + 15) / 16 * 16;
    }

    /**
     * The spec of {@code arch} at the peer's shape: SwiGLU architectures get the peer's default MLP width,
     * GPT-2 ties its head (as released); max positions = {@code maxPositions}.
     */
    static DecoderSpec spec(Architecture arch, int vocab, int embed, int layers, int heads, int kvHeads,
            int intermediate, int maxPositions, Boolean tie) {
        boolean swiglu = arch == Architecture.LLAMA || arch == Architecture.QWEN2 || arch == Architecture.MISTRAL;
        int width = intermediate > 0 ? intermediate : swiglu ? peerIntermediate(embed) : 0;
        boolean tied = tie != null ? tie : arch == Architecture.GPT2;
        return HfInit.spec(arch, new HfInit.Shape(vocab, embed, layers, heads, kvHeads, width, maxPositions, tied));
    }

    static long parameterCount(DecoderSpec spec) {
        return DecoderLayout.of(spec).stream().mapToLong(ParameterSpec::size).sum();
    }

    /**
     * The number of parameters {@code torch_dpo_step.py --arch llama} prints for its TinyLlama: embedding, per
     * block q [E, E], fused k|v [E, 2 KV d], o [E, E], fused gate|up [E, 2 I], down [I, E] and two RMSNorm gains,
     * the final gain and an untied head [E, V]. No biases.
     */
    static long peerLlamaParameterCount(int vocab, int embed, int layers, int heads, int kvHeads, int intermediate) {
        long e = embed;
        long d = embed / heads;
        long block = e * e + e * 2L * kvHeads * d + e * e + e * 2L * intermediate + (long) intermediate * e + 2 * e;
        return vocab * e + layers * block + e + e * vocab;
    }

    /** The architectures a bench's --arch may name (their model_type). */
    static String[] architectures(String... more) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(more),
                java.util.Arrays.stream(Architecture.values()).map(Architecture::modelType)).toArray(String[]::new);
    }

    /** Declares --lora-r, --lora-targets and --lora-mix, read by {@link #lora}. */
    static BenchFlags.Builder loraFlags(BenchFlags.Builder flags) {
        return flags.integer("lora-r", 0, 0, "LoRA rank, adapters over the frozen decoder with lora_alpha 2R "
                        + "(0: full fine-tuning)")
                .string("lora-targets", LoraConfig.ALL_LINEAR, "With --lora-r: the adapted modules, comma-separated")
                .choice("lora-mix", "exact", "With --lora-r: how the reference's adapters are mixed", "exact",
                        "factors");
    }

    /**
     * The LoRA settings of the flags {@code --lora-r R} (0: full fine-tuning, null), {@code --lora-targets}
     * (default all-linear) and {@code --lora-mix exact|factors} (default exact); lora_alpha is 2R.
     */
    static LoraConfig lora(BenchFlags.Values flags) {
        int r = flags.integer("lora-r");
        if (r == 0) {
            return null;
        }
        return new LoraConfig(r, 2.0 * r, 0, List.of(flags.string("lora-targets").split(",")), false,
                LoraConfig.ReferenceMix.valueOf(flags.string("lora-mix").toUpperCase(java.util.Locale.ROOT)));
    }

    /** How a report names the run's LoRA settings. */
    static String describe(LoraConfig lora) {
        return lora == null ? "off (full fine-tuning)" : "r " + lora.r() + ", " + String.join(",",
                lora.targetModules()) + ", " + lora.referenceMix().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Writes spec + seeded weights to a temporary folder, loads it as a trainer, deletes the folder. */
    static AlignmentTrainer trainer(DecoderSpec spec, int maxSeqLen, TrainingConfig config) {
        return trainer(spec, maxSeqLen, config, null);
    }

    /** {@link #trainer(DecoderSpec, int, TrainingConfig)} training LoRA adapters when {@code lora} is not null. */
    static AlignmentTrainer trainer(DecoderSpec spec, int maxSeqLen, TrainingConfig config, LoraConfig lora) {
        Path folder;
        try {
            folder = Files.createTempDirectory("tralign-bench-hf");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            try (ParameterSet params = HfInit.parameters(spec, config.seed(), Device.cpu())) {
                HfModelFolder.write(folder, spec, params, new HfModelFolder.GenerationIds(null, List.of(), null));
            }
            // The writing's garbage (float[] copies, DJL's direct buffers) goes before the load allocates: else the
            // allocator interleaves them and keeps the freed pages resident (2 GB more RSS at GPT-2 small).
            settle();
            return AlignmentTrainer.fromHuggingFace(folder, maxSeqLen, config, lora);
        } finally {
            deleteTree(folder);
        }
    }

    /**
     * Lets garbage go: a full GC (shrinks the Java heap), a pause for the cleaners of direct buffers (they run on
     * another thread after a GC), a second GC.
     */
    static void settle() {
        System.gc();
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.gc();
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
