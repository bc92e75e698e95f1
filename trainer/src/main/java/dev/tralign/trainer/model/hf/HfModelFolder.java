package dev.tralign.trainer.model.hf;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A local Hugging Face model folder in and out: {@code config.json} to a {@link DecoderSpec}, safetensors weights
 * (single or sharded; F32/F16/BF16 converted to float32) to a {@link ParameterSet} of the {@link HfDecoder}, and
 * back. Nothing is downloaded. Every tensor the architecture needs must be present with the shape config.json
 * implies, and every stored tensor must be used (or be a known buffer): a mismatch stops the load rather than run a
 * silently different model.
 */
public final class HfModelFolder {

    static final String CONFIG = "config.json";
    static final String GENERATION_CONFIG = "generation_config.json";
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json");

    private HfModelFolder() {
    }

    /** A loaded model: the decoder, its weights and what the folder says about itself. Closing frees both. */
    public record Loaded(HfDecoder model, ParameterSet parameters, HfFolderInfo info) implements AutoCloseable {

        @Override
        public void close() {
            parameters.close();
            model.close();
        }
    }

    /** The architecture and spec config.json describes, for runs of up to {@code maxSeqLen} tokens (0: its limit). */
    public static Architecture architecture(Path folder) {
        return Architecture.of(HfConfig.read(folder.resolve(CONFIG)));
    }

    public static DecoderSpec spec(Path folder, int maxSeqLen) {
        HfConfig config = HfConfig.read(folder.resolve(CONFIG));
        return Architecture.of(config).spec(config, maxSeqLen);
    }

    /** Loads {@code folder} for sequences of up to {@code maxSeqLen} tokens (0: the model's max positions). */
    public static Loaded load(Path folder, int maxSeqLen, Device device) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " is not a directory: pass a local Hugging Face model folder "
                    + "(config.json + model.safetensors); nothing is downloaded");
        }
        HfConfig config = HfConfig.read(folder.resolve(CONFIG));
        Architecture arch = Architecture.of(config);
        DecoderSpec spec = arch.spec(config, maxSeqLen);
        WeightFiles weights = WeightFiles.open(folder);
        Map<String, float[]> values = readParameters(arch, spec, weights);
        HfFolderInfo info = HfFolderInfo.read(folder, arch, spec, weights.dtypes());
        HfDecoder model = new HfDecoder(spec, maxSeqLen > 0 ? maxSeqLen : spec.maxPositions(), device);
        try {
            return new Loaded(model, ParameterSet.fromValues(model.layout(), device, values), info);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Our parameter values from the stored tensors, checking that each stored tensor is used exactly once. */
    static Map<String, float[]> readParameters(Architecture arch, DecoderSpec spec, WeightFiles weights) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        DecoderLayout.of(spec).forEach(s -> shapes.put(s.name(), s.shape()));
        Set<String> used = new HashSet<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        for (TensorRule rule : arch.rules(spec)) {
            Map<String, TensorRule.Source> sources = new LinkedHashMap<>();
            for (String name : rule.sources()) {
                String stored = resolve(arch, weights, name);
                used.add(stored);
                SafetensorsReader.Entry entry = weights.entry(stored);
                sources.put(name, new TensorRule.Source(entry.shape(), weights.read(stored)));
            }
            values.put(rule.ours(), rule.load(shapes.get(rule.ours()), sources));
        }
        Set<String> unused = new TreeSet<>();
        for (String name : weights.names()) {
            boolean duplicateOfTiedHead = spec.tiedHead() && name.equals("lm_head.weight");
            if (!used.contains(name) && !arch.isBuffer(name) && !duplicateOfTiedHead) {
                unused.add(name);
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("the safetensors files hold " + unused.size() + " tensors a "
                    + arch.modelType() + " model as config.json describes does not use, e.g. "
                    + unused.stream().limit(5).toList() + ": check num_hidden_layers, tie_word_embeddings and the "
                    + "bias settings (attention_bias, mlp_bias) against the weights");
        }
        return values;
    }

    /** The stored name of {@code name}: as is, or without the base model's prefix (e.g. the original gpt2 files). */
    private static String resolve(Architecture arch, WeightFiles weights, String name) {
        if (weights.contains(name)) {
            return name;
        }
        String prefix = arch.basePrefix() + ".";
        if (name.startsWith(prefix) && weights.contains(name.substring(prefix.length()))) {
            return name.substring(prefix.length());
        }
        throw new IllegalArgumentException("the model's safetensors files have no tensor '" + name + "', which a "
                + arch.modelType() + " model as config.json describes needs");
    }

    /** {@link #write(Path, Architecture, DecoderSpec, ParameterSet, GenerationIds)} for the spec's own architecture. */
    public static void write(Path folder, DecoderSpec spec, ParameterSet params, GenerationIds ids) {
        write(folder, Architecture.named(spec.architecture()), spec, params, ids);
    }

    /** The special token ids a folder names (generation_config.json, falling back to config.json). */
    public static GenerationIds generationIds(Path folder) {
        return info(folder).ids();
    }

    /**
     * What a folder says about itself (architecture, spec, special ids, tokenizer, chat template) without reading its
     * weights; stored dtypes are left empty.
     */
    public static HfFolderInfo info(Path folder) {
        HfConfig config = HfConfig.read(folder.resolve(CONFIG));
        Architecture arch = Architecture.of(config);
        return HfFolderInfo.read(folder, arch, arch.spec(config, 0), Set.of());
    }

    /**
     * Copies the tokenizer files a model folder may carry ({@code tokenizer.json}, {@code tokenizer_config.json},
     * {@code special_tokens_map.json}) from {@code source} to {@code target}, skipping those it does not have.
     */
    public static void copyTokenizerFiles(Path source, Path target) {
        for (String name : TOKENIZER_FILES) {
            Path file = source.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    Files.copy(file, target.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot copy " + file + " to " + target + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Writes {@code config.json}, {@code generation_config.json} and {@code model.safetensors} (float32, transformers'
     * tensor names and layouts) for {@code params} into {@code folder} (created if needed).
     */
    public static void write(Path folder, Architecture arch, DecoderSpec spec, ParameterSet params,
            GenerationIds ids) {
        try {
            Files.createDirectories(folder);
            ObjectNode config = arch.configJson(spec);
            ids.writeInto(config);
            config.put("transformers_version", "4.45.1");
            ObjectMapper json = new ObjectMapper();
            Files.writeString(folder.resolve(CONFIG), json.writerWithDefaultPrettyPrinter().writeValueAsString(config)
                    + "\n");
            ObjectNode generation = json.createObjectNode();
            ids.writeInto(generation);
            Files.writeString(folder.resolve(GENERATION_CONFIG),
                    json.writerWithDefaultPrettyPrinter().writeValueAsString(generation) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + folder + ": " + e.getMessage(), e);
        }
        Map<String, float[]> ours = params.toFloatArrays();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        params.specs().forEach(s -> shapes.put(s.name(), s.shape()));
        if (!shapes.keySet().equals(new java.util.LinkedHashSet<>(
                DecoderLayout.of(spec).stream().map(ParameterSpec::name).toList()))) {
            throw new IllegalArgumentException("the parameter set does not have the layout of " + spec);
        }
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (TensorRule rule : arch.rules(spec)) {
            tensors.putAll(rule.save(shapes.get(rule.ours()), ours.get(rule.ours())));
        }
        SafetensorsWriter.write(folder.resolve(WeightFiles.SINGLE), tensors);
    }

    /**
     * The special token ids a folder's config files carry.
     *
     * @param bos beginning of sequence, or null
     * @param eos end of sequence ids (transformers allows several), possibly empty
     * @param pad padding id, or null
     */
    public record GenerationIds(Integer bos, List<Integer> eos, Integer pad) {

        public GenerationIds {
            eos = List.copyOf(eos);
        }

        void writeInto(ObjectNode node) {
            if (bos != null) {
                node.put("bos_token_id", bos);
            }
            if (eos.size() == 1) {
                node.put("eos_token_id", eos.get(0));
            } else if (!eos.isEmpty()) {
                var array = node.putArray("eos_token_id");
                eos.forEach(array::add);
            }
            if (pad != null) {
                node.put("pad_token_id", pad);
            }
        }

        /** Read from a config.json or generation_config.json node. */
        static GenerationIds of(JsonNode node) {
            List<Integer> eos = new ArrayList<>();
            JsonNode e = node.path("eos_token_id");
            if (e.isArray()) {
                e.forEach(x -> eos.add(x.asInt()));
            } else if (e.isInt()) {
                eos.add(e.asInt());
            }
            return new GenerationIds(node.path("bos_token_id").isInt() ? node.get("bos_token_id").asInt() : null, eos,
                    node.path("pad_token_id").isInt() ? node.get("pad_token_id").asInt() : null);
        }
    }
}
