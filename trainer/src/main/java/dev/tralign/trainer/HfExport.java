package dev.tralign.trainer;

import ai.djl.Device;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.checkpoint.HuggingFaceSource;
import dev.tralign.trainer.checkpoint.ParameterTensors;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.hf.DecoderLayout;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Writes the weights a checkpoint of a Hugging Face run holds back out as a Hugging Face folder: config.json,
 * generation_config.json, model.safetensors (float32, transformers' names and layouts) and the tokenizer files of
 * the folder the run started from. The policy by default; the moving reference too (it is part of the run).
 */
public final class HfExport {

    private HfExport() {
    }

    /** Exports the policy ({@code reference} false) or the reference weights of {@code checkpoint} into {@code out}. */
    public static void toFolder(Path checkpoint, boolean reference, Path out) {
        String group = reference ? "reference" : "policy";
        CheckpointFile.Contents contents = CheckpointFile.read(checkpoint, Set.of(group));
        HuggingFaceSource source = contents.header().huggingFace();
        if (source == null) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " is of a run of the "
                    + (contents.header().torchScriptModel() != null ? "TorchScript model "
                            + contents.header().torchScriptModel() : "built-in GPT")
                    + ", not of a Hugging Face model: only runs started from a Hugging Face folder "
                    + "(model_name_or_path) export as one");
        }
        requireEmptyOrAbsent(out);
        Path folder = Path.of(source.folder());
        try (ParameterSet params = ParameterTensors.toParameterSet(group, contents.group(group),
                DecoderLayout.of(source.spec()), contents.header().model(), Device.cpu())) {
            HfModelFolder.write(out, source.spec(), params, HfModelFolder.generationIds(folder));
        }
        HfModelFolder.copyTokenizerFiles(folder, out);
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
