package dev.tralign.trainer;

import ai.djl.Device;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.checkpoint.HuggingFaceSource;
import dev.tralign.trainer.checkpoint.ParameterTensors;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.lora.LoraDeltas;
import dev.tralign.trainer.lora.LoraLm;
import dev.tralign.trainer.lora.LoraTargets;
import dev.tralign.trainer.lora.PeftAdapterFolder;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.hf.DecoderLayout;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes the weights a checkpoint of a Hugging Face run holds back out as a Hugging Face folder: config.json,
 * generation_config.json, model.safetensors (float32, transformers' names and layouts) and the tokenizer files of
 * the folder the run started from. The policy by default; the moving reference too (it is part of the run). A LoRA
 * run exports merged, or as a PEFT adapter folder.
 */
public final class HfExport {

    private HfExport() {
    }

    /**
     * Exports the policy ({@code reference} false) or the reference weights of {@code checkpoint} into {@code out}.
     * For a LoRA run the weights are the base with the adapters (or the reference's delta) merged in: base +
     * scaling B A per adapted module; the base is read from the run's folder and must have the recorded digest.
     */
    public static void toFolder(Path checkpoint, boolean reference, Path out) {
        String group = reference ? "reference" : "policy";
        CheckpointFile.Contents contents = CheckpointFile.read(checkpoint, Set.of(group));
        HuggingFaceSource source = huggingFaceSource(checkpoint, contents);
        requireEmptyOrAbsent(out);
        Path folder = Path.of(source.folder());
        if (contents.header().lora() != null) {
            try (LoraLm lora = LoraLm.open(folder, contents.header().model().maxSeqLen(), contents.header().lora(),
                    Device.cpu(), contents.header().loraBaseSha256());
                    ParameterSet adapters = ParameterTensors.toParameterSet(group, contents.group(group),
                            reference ? lora.referenceLayout() : lora.layout(), contents.header().model(),
                            Device.cpu());
                    ParameterSet merged = LoraDeltas.merged(lora.base(), adapters, lora.targets())) {
                HfModelFolder.write(out, source.spec(), merged, HfModelFolder.generationIds(folder));
            }
        } else {
            try (ParameterSet params = ParameterTensors.toParameterSet(group, contents.group(group),
                    DecoderLayout.of(source.spec()), contents.header().model(), Device.cpu())) {
                HfModelFolder.write(out, source.spec(), params, HfModelFolder.generationIds(folder));
            }
        }
        HfModelFolder.copyTokenizerFiles(folder, out);
    }

    /**
     * Exports the adapters of a LoRA run's checkpoint as a PEFT folder (adapter_config.json,
     * adapter_model.safetensors) that PEFT loads onto the run's base model; {@code reference} exports the reference's
     * adapters (runs with lora_reference_mix=factors; an exact reference is a full delta, exported merged).
     */
    public static void toPeftFolder(Path checkpoint, boolean reference, Path out) {
        String group = reference ? "reference" : "policy";
        CheckpointFile.Contents contents = CheckpointFile.read(checkpoint, Set.of(group));
        HuggingFaceSource source = huggingFaceSource(checkpoint, contents);
        LoraConfig lora = contents.header().lora();
        if (lora == null) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " trained all weights, not LoRA adapters "
                    + "(use_peft=false): export it as a full Hugging Face folder (without --peft)");
        }
        if (reference && lora.referenceMix() == LoraConfig.ReferenceMix.EXACT) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " keeps its reference as full weight "
                    + "deltas (lora_reference_mix=exact), which are not low-rank adapters: export the reference "
                    + "merged (--merged --reference)");
        }
        requireEmptyOrAbsent(out);
        LoraTargets targets = LoraTargets.select(source.spec(), lora);
        Map<String, float[]> adapters = new LinkedHashMap<>();
        contents.group(group).forEach((name, tensor) -> adapters.put(name, tensor.values()));
        PeftAdapterFolder.write(out, targets, adapters, source.folder());
    }

    /** Whether a checkpoint trained LoRA adapters (its header says so). */
    public static boolean isLora(Path checkpoint) {
        return CheckpointFile.read(checkpoint, Set.of()).header().lora() != null;
    }

    private static HuggingFaceSource huggingFaceSource(Path checkpoint, CheckpointFile.Contents contents) {
        HuggingFaceSource source = contents.header().huggingFace();
        if (source == null) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " is of a run of the "
                    + (contents.header().torchScriptModel() != null ? "TorchScript model "
                            + contents.header().torchScriptModel() : "built-in GPT")
                    + ", not of a Hugging Face model: only runs started from a Hugging Face folder "
                    + "(model_name_or_path) export as one");
        }
        return source;
    }

    private static void requireEmptyOrAbsent(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        try (var entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException(out + " is not empty: export into a new or empty folder, so no "
                        + "file of another model is left beside the exported ones");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + out + ": " + e.getMessage(), e);
        }
    }
}
