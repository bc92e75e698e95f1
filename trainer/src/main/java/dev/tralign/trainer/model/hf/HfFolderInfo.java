package dev.tralign.trainer.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.trainer.model.ParameterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * What a model folder says about itself besides the weights: the generation defaults
 * ({@code generation_config.json}, else config.json), the tokenizer files and whether {@code tokenizer_config.json}
 * carries a chat template.
 *
 * @param folder the folder
 * @param architecture its architecture
 * @param spec the decoder spec
 * @param storedDtypes the dtypes of the stored tensors (they are computed in float32)
 * @param ids special token ids from generation_config.json, falling back to config.json
 * @param tokenizer tokenizer.json, or null when the folder has none
 * @param chatTemplate whether tokenizer_config.json has a {@code chat_template}
 */
public record HfFolderInfo(Path folder, Architecture architecture, DecoderSpec spec, Set<String> storedDtypes,
        HfModelFolder.GenerationIds ids, Path tokenizer, boolean chatTemplate) {

    /** Number of parameters (a tied head counted once, as transformers' num_parameters does). */
    public long parameterCount() {
        return DecoderLayout.of(spec).stream().mapToLong(ParameterSpec::size).sum();
    }

    static HfFolderInfo read(Path folder, Architecture arch, DecoderSpec spec, Set<String> dtypes) {
        JsonNode generation = json(folder.resolve(HfModelFolder.GENERATION_CONFIG));
        JsonNode config = json(folder.resolve(HfModelFolder.CONFIG));
        HfModelFolder.GenerationIds fromGeneration = HfModelFolder.GenerationIds.of(generation);
        HfModelFolder.GenerationIds fromConfig = HfModelFolder.GenerationIds.of(config);
        HfModelFolder.GenerationIds ids = new HfModelFolder.GenerationIds(
                fromGeneration.bos() != null ? fromGeneration.bos() : fromConfig.bos(),
                !fromGeneration.eos().isEmpty() ? fromGeneration.eos() : fromConfig.eos(),
                fromGeneration.pad() != null ? fromGeneration.pad() : fromConfig.pad());
        Path tokenizer = folder.resolve("tokenizer.json");
        JsonNode tokenizerConfig = json(folder.resolve("tokenizer_config.json"));
        return new HfFolderInfo(folder, arch, spec, dtypes, ids, Files.isRegularFile(tokenizer) ? tokenizer : null,
                tokenizerConfig.hasNonNull("chat_template"));
    }

    /** The file's JSON, or an empty node when the file does not exist (these files are optional). */
    private static JsonNode json(Path file) {
        if (!Files.isRegularFile(file)) {
            return new ObjectMapper().createObjectNode();
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
