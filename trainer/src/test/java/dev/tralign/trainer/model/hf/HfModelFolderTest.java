package dev.tralign.trainer.model.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Folders in and out: exact round trips through transformers' layouts, shards, and every refusal's message. */
class HfModelFolderTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"gpt-neox", "llama-gqa", "qwen2", "gpt2"})
    void writingInTransformersLayoutGivesBackTheSameTensorsBitForBit(String name) {
        Path out = tmp.resolve(name);
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(HfTiny.model(name), 0, Device.cpu())) {
            HfModelFolder.write(out, loaded.info().architecture(), loaded.info().spec(), loaded.parameters(),
                    loaded.info().ids());
            SafetensorsReader original = SafetensorsReader.open(HfTiny.model(name).resolve("model.safetensors"));
            SafetensorsReader written = SafetensorsReader.open(out.resolve("model.safetensors"));
            // Same names (the per-head qkv interleave, Conv1D transposes and q/k/v stacks are undone exactly).
            assertThat(written.entries().keySet()).containsExactlyInAnyOrderElementsOf(original.entries().keySet());
            for (String tensor : original.entries().keySet()) {
                assertThat(written.entries().get(tensor).shape()).as(tensor)
                        .containsExactly(original.entries().get(tensor).shape());
                assertThat(written.readFloats(tensor)).as(tensor).containsExactly(original.readFloats(tensor));
            }
            assertThat(written.metadata()).containsEntry("format", "pt");
            try (HfModelFolder.Loaded again = HfModelFolder.load(out, 0, Device.cpu())) {
                assertThat(again.parameters().sha256()).isEqualTo(loaded.parameters().sha256());
                assertThat(again.info().spec()).isEqualTo(loaded.info().spec());
                assertThat(again.info().ids()).isEqualTo(loaded.info().ids());
            }
        }
    }

    @Test
    void shardedWeightsLoadLikeOneFile() throws IOException {
        Path source = HfTiny.model("llama-gqa");
        Path sharded = tmp.resolve("sharded");
        Files.createDirectories(sharded);
        Files.copy(source.resolve("config.json"), sharded.resolve("config.json"));
        SafetensorsReader reader = SafetensorsReader.open(source.resolve("model.safetensors"));
        Map<String, SafetensorsWriter.Tensor> first = new LinkedHashMap<>();
        Map<String, SafetensorsWriter.Tensor> second = new LinkedHashMap<>();
        ObjectNode index = new ObjectMapper().createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        for (SafetensorsReader.Entry e : reader.entries().values()) {
            boolean early = e.name().contains("layers.0.") || e.name().contains("embed");
            (early ? first : second).put(e.name(), new SafetensorsWriter.Tensor(e.shape(), reader.readFloats(e.name())));
            map.put(e.name(), early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        SafetensorsWriter.write(sharded.resolve("model-00001-of-00002.safetensors"), first);
        SafetensorsWriter.write(sharded.resolve("model-00002-of-00002.safetensors"), second);
        Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
        try (HfModelFolder.Loaded one = HfModelFolder.load(source, 0, Device.cpu());
                HfModelFolder.Loaded two = HfModelFolder.load(sharded, 0, Device.cpu())) {
            assertThat(two.parameters().sha256()).isEqualTo(one.parameters().sha256());
        }
        map.put("model.norm.weight", "model-00003-of-00002.safetensors");
        Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
        assertThatThrownBy(() -> HfModelFolder.load(sharded, 0, Device.cpu()))
                .hasMessageContaining("model.safetensors.index.json maps 'model.norm.weight' to "
                        + "model-00003-of-00002.safetensors, which is not a file");
    }

    @Test
    void namesWithoutTheBaseModelPrefixLoadAsTheOriginalGpt2FilesStoreThem() throws IOException {
        Path source = HfTiny.model("gpt2");
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(source.resolve("config.json"), bare.resolve("config.json"));
        SafetensorsReader reader = SafetensorsReader.open(source.resolve("model.safetensors"));
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (SafetensorsReader.Entry e : reader.entries().values()) {
            tensors.put(e.name().replaceFirst("^transformer\\.", ""),
                    new SafetensorsWriter.Tensor(e.shape(), reader.readFloats(e.name())));
        }
        // The causal-mask buffer GPT-2 checkpoints carry is skipped, not mistaken for a parameter.
        tensors.put("h.0.attn.bias", new SafetensorsWriter.Tensor(new long[] {1, 1, 2, 2}, new float[] {1, 0, 1, 1}));
        SafetensorsWriter.write(bare.resolve("model.safetensors"), tensors);
        try (HfModelFolder.Loaded one = HfModelFolder.load(source, 0, Device.cpu());
                HfModelFolder.Loaded two = HfModelFolder.load(bare, 0, Device.cpu())) {
            assertThat(two.parameters().sha256()).isEqualTo(one.parameters().sha256());
        }
    }

    @Test
    void aDecoderSpecSurvivesJsonAsACheckpointHeaderWouldStoreIt() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String name : HfTiny.MODELS) {
            DecoderSpec spec = HfModelFolder.spec(HfTiny.model(name), 0);
            assertThat(json.readValue(json.writeValueAsString(spec), DecoderSpec.class)).isEqualTo(spec);
        }
        DecoderSpec scaled = HfModelFolder.spec(withConfig("llama-gqa", c -> c.putObject("rope_scaling")
                .put("rope_type", "llama3").put("factor", 8).put("low_freq_factor", 1).put("high_freq_factor", 4)
                .put("original_max_position_embeddings", 64)), 0);
        assertThat(json.readValue(json.writeValueAsString(scaled), DecoderSpec.class)).isEqualTo(scaled);
    }

    @Test
    void halfAndBfloat16TensorsAreWidenedExactly() throws IOException {
        // 1.5, -2, 65504 (largest half), 2^-24 (smallest subnormal half), -0.0, +inf
        short[] half = {0x3e00, (short) 0xc000, 0x7bff, 0x0001, (short) 0x8000, 0x7c00};
        float[] halfValues = {1.5f, -2f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY};
        // bfloat16 is the top 16 bits of a float: 1.5, -3.140625, 1e38-ish
        float[] bfValues = {1.5f, -3.140625f, Float.intBitsToFloat(0x7e960000)};
        Path file = tmp.resolve("mixed.safetensors");
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]},"
                + "\"q\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[18,20]}}";
        var bytes = java.nio.ByteBuffer.allocate(8 + header.length() + 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(header.length()).put(header.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (short h : half) {
            bytes.putShort(h);
        }
        for (float f : bfValues) {
            bytes.putShort((short) (Float.floatToRawIntBits(f) >>> 16));
        }
        bytes.put((byte) 1).put((byte) 2);
        Files.write(file, bytes.array());
        SafetensorsReader reader = SafetensorsReader.open(file);
        assertThat(reader.readFloats("h")).containsExactly(halfValues);
        assertThat(reader.readFloats("b")).containsExactly(bfValues);
        assertThatThrownBy(() -> reader.readFloats("q")).hasMessageContaining("tensor 'q' is I8")
                .hasMessageContaining("F32, F16 or BF16");
    }

    @Test
    void aTruncatedFileIsRefusedWithItsName() throws IOException {
        Path file = tmp.resolve("cut.safetensors");
        byte[] whole = Files.readAllBytes(HfTiny.model("gpt2").resolve("model.safetensors"));
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 100));
        assertThatThrownBy(() -> SafetensorsReader.open(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("data_offsets");
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> HfModelFolder.load(empty, 0, Device.cpu())).hasMessageContaining("config.json");
        Files.copy(HfTiny.model("qwen2").resolve("config.json"), empty.resolve("config.json"));
        Files.writeString(empty.resolve("pytorch_model.bin"), "pickle");
        assertThatThrownBy(() -> HfModelFolder.load(empty, 0, Device.cpu()))
                .hasMessageContaining("neither model.safetensors nor model.safetensors.index.json")
                .hasMessageContaining("pytorch_model.bin");
        assertThatThrownBy(() -> HfModelFolder.load(tmp.resolve("nowhere"), 0, Device.cpu()))
                .hasMessageContaining("is not a directory").hasMessageContaining("nothing is downloaded");
    }

    @Test
    void unsupportedConfigValuesAreRefusedNamingTheKey() throws IOException {
        assertThat(refusal("llama-gqa", c -> c.put("model_type", "falcon")))
                .contains("model_type = \"falcon\"").contains("gpt_neox, llama, qwen2, mistral, gpt2");
        assertThat(refusal("llama-gqa", c -> c.putArray("architectures").add("LlamaForSequenceClassification")))
                .contains("architectures").contains("LlamaForCausalLM");
        assertThat(refusal("llama-gqa", c -> c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4)))
                .contains("rope_scaling").contains("linear, llama3");
        assertThat(refusal("llama-gqa", c -> c.put("hidden_act", "gelu"))).contains("hidden_act").contains("silu");
        assertThat(refusal("gpt-neox", c -> c.put("hidden_act", "relu"))).contains("hidden_act");
        assertThat(refusal("gpt-neox", c -> c.put("rotary_pct", 0.5)))
                .contains("rotary_pct").contains("partial_rotary_factor");
        assertThat(refusal("gpt2", c -> c.put("scale_attn_by_inverse_layer_idx", true)))
                .contains("scale_attn_by_inverse_layer_idx");
        assertThat(refusal("qwen2", c -> c.put("use_sliding_window", true).put("sliding_window", 32)
                .put("max_window_layers", 1))).contains("use_sliding_window").contains("window 32");
        assertThat(refusal("llama-gqa", c -> c.putObject("quantization_config").put("quant_method", "gptq")))
                .contains("quantization_config");
        // Weights that do not match the config: a missing tensor and an unused one are both named.
        assertThat(refusal("llama-gqa", c -> c.put("num_hidden_layers", 1)))
                .contains("does not use").contains("model.layers.1.");
        assertThat(refusal("llama-gqa", c -> c.put("num_hidden_layers", 3))).contains("model.layers.2.");
        // As in transformers, a tied model ignores a stored lm_head.weight (the head IS the embedding).
        assertThat(refusal("qwen2", c -> c.put("tie_word_embeddings", true))).isEmpty();
    }

    @Test
    void aSlidingWindowIsRefusedOnlyWhereItWouldMatter() throws IOException {
        Path folder = withConfig("llama-gqa", c -> c.put("model_type", "mistral").putArray("architectures")
                .add("MistralForCausalLM"));
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(folder.resolve("config.json").toFile());
        c.put("sliding_window", 64);
        Files.writeString(folder.resolve("config.json"), c.toString());
        assertThatThrownBy(() -> HfModelFolder.load(folder, 0, Device.cpu())).hasMessageContaining("sliding_window")
                .hasMessageContaining("at most 64 tokens");
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(folder, 64, Device.cpu())) {
            assertThat(loaded.model().config().maxSeqLen()).isEqualTo(64);
            assertThat(loaded.info().architecture()).isEqualTo(Architecture.MISTRAL);
        }
        assertThatThrownBy(() -> HfModelFolder.load(folder, 129, Device.cpu()))
                .hasMessageContaining("exceeds the model's 128 positions");
    }

    @Test
    void llama3RopeScalingSlowsOnlyTheLongWavelengths() {
        RopeSpec plain = new RopeSpec(500000, null);
        RopeSpec scaled = new RopeSpec(500000, new RopeSpec.Scaling("llama3", 8, 1, 4, 8192));
        float[] a = plain.inverseFrequencies(128);
        float[] b = scaled.inverseFrequencies(128);
        assertThat(b[0]).isEqualTo(a[0]);                      // wavelength 2 pi < 8192 / 4: kept
        assertThat(b[63]).isEqualTo((float) (a[63] / 8.0));   // wavelength far above 8192: divided by the factor
        int between = 0;
        for (int i = 0; i < 64; i++) {
            double wavelength = 2 * Math.PI / a[i];
            if (wavelength > 2048 && wavelength < 8192) {
                assertThat(b[i]).isBetween((float) (a[i] / 8.0), a[i]);
                between++;
            }
        }
        assertThat(between).isPositive();
    }

    private interface Edit {
        void apply(ObjectNode config);
    }

    /** The message of loading {@code model} with an edited config.json, or "" if it loaded. */
    private String refusal(String model, Edit edit) throws IOException {
        Path folder = withConfig(model, edit);
        try (HfModelFolder.Loaded ignored = HfModelFolder.load(folder, 0, Device.cpu())) {
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private Path withConfig(String model, Edit edit) throws IOException {
        Path folder = Files.createTempDirectory(tmp, model);
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(HfTiny.model(model).resolve("config.json")
                .toFile());
        edit.apply(config);
        Files.writeString(folder.resolve("config.json"), config.toString());
        for (String f : List.of("model.safetensors", "generation_config.json")) {
            Files.copy(HfTiny.model(model).resolve(f), folder.resolve(f));
        }
        return folder;
    }
}
