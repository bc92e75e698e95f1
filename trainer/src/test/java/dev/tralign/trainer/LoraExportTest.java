package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.config.LoraConfig.ReferenceMix;
import dev.tralign.trainer.model.hf.SafetensorsReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A LoRA run's exports, checked against the base model's own file rather than our layout code: the PEFT folder holds
 * exactly one lora_A [r, in] and lora_B [out, r] per linear layer of the base (transformers' module paths under
 * base_model.model., Conv1D's in/out read from its [in, out] weight), and the merged folder holds, for every one of
 * them, the base weight + scaling B A computed from the PEFT tensors (transposed for Conv1D), every other tensor
 * unchanged: what PEFT's merge_and_unload gives.
 */
class LoraExportTest {

    /** Linear layers of the blocks: 2-D weights that are not embeddings or the output head. */
    private static final Pattern NOT_LINEAR = Pattern.compile(".*(wte|wpe|embed_tokens|embed_in|embed_out|lm_head)"
            + "\\.weight");

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "gpt2", "gpt-neox"})
    void peftFolderMatchesTheBaseAndTheMergedFolderIsBasePlusScaledBA(String name, @TempDir Path dir)
            throws Exception {
        Path folder = LoraTrainingTest.hfTiny(name);
        LoraConfig lora = new LoraConfig(4, 8, 0, java.util.List.of(LoraConfig.ALL_LINEAR), false,
                ReferenceMix.FACTORS);
        Path checkpoint = dir.resolve("step-2.ckpt");
        try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(folder, 16, LoraTrainingTest.trDpo(0.5), lora)) {
            t.stepPairs(LoraTrainingTest.pairs(8, 4));
            t.stepPairs(LoraTrainingTest.pairs(9, 4));
            t.saveCheckpoint(checkpoint);
        }
        HfExport.toPeftFolder(checkpoint, false, dir.resolve("peft"));
        HfExport.toPeftFolder(checkpoint, true, dir.resolve("peft-reference"));
        HfExport.toFolder(checkpoint, false, dir.resolve("merged"));

        boolean conv1d = name.equals("gpt2");
        SafetensorsReader base = SafetensorsReader.open(folder.resolve("model.safetensors"));
        SafetensorsReader peft = SafetensorsReader.open(dir.resolve("peft").resolve("adapter_model.safetensors"));
        SafetensorsReader merged = SafetensorsReader.open(dir.resolve("merged").resolve("model.safetensors"));
        Map<String, long[]> expected = new TreeMap<>();
        for (SafetensorsReader.Entry e : base.entries().values()) {
            if (e.shape().length == 2 && e.name().endsWith(".weight") && !NOT_LINEAR.matcher(e.name()).matches()) {
                String module = "base_model.model." + e.name().substring(0, e.name().length() - ".weight".length());
                long in = conv1d ? e.shape()[0] : e.shape()[1];
                long out = conv1d ? e.shape()[1] : e.shape()[0];
                expected.put(module + ".lora_A.weight", new long[] {4, in});
                expected.put(module + ".lora_B.weight", new long[] {out, 4});
            }
        }
        Map<String, long[]> actual = new TreeMap<>();
        peft.entries().values().forEach(e -> actual.put(e.name(), e.shape()));
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        actual.forEach((k, shape) -> assertThat(shape).as(k).containsExactly(expected.get(k)));
        assertThat(actual).containsKey(name.equals("llama-gqa")
                ? "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"
                : name.equals("gpt2") ? "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight"
                : "base_model.model.gpt_neox.layers.0.attention.query_key_value.lora_A.weight");

        JsonNode config = new ObjectMapper().readTree(dir.resolve("peft").resolve("adapter_config.json").toFile());
        assertThat(config.path("peft_type").asText()).isEqualTo("LORA");
        assertThat(config.path("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(config.path("r").asInt()).isEqualTo(4);
        assertThat(config.path("lora_alpha").asDouble()).isEqualTo(8.0);
        assertThat(config.path("fan_in_fan_out").asBoolean()).isEqualTo(conv1d);
        assertThat(config.path("base_model_name_or_path").asText()).isEqualTo(folder.toString());

        double scaling = lora.scaling();
        Set<String> adapted = new java.util.HashSet<>();
        double largestChange = 0;
        for (String key : actual.keySet()) {
            if (!key.endsWith(".lora_A.weight")) {
                continue;
            }
            String module = key.substring(0, key.length() - ".lora_A.weight".length());
            String weight = module.substring("base_model.model.".length()) + ".weight";
            adapted.add(weight);
            float[] a = peft.readFloats(key);
            float[] b = peft.readFloats(module + ".lora_B.weight");
            long[] bShape = peft.entries().get(module + ".lora_B.weight").shape();
            int out = (int) bShape[0];
            int in = a.length / 4;
            float[] w = base.readFloats(weight);
            float[] m = merged.readFloats(weight);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double delta = 0;
                    for (int k = 0; k < 4; k++) {
                        delta += (double) b[o * 4 + k] * a[k * in + i];
                    }
                    int index = conv1d ? i * out + o : o * in + i;
                    double want = w[index] + scaling * delta;
                    assertThat((double) m[index]).as(weight + "[" + o + "," + i + "]")
                            .isCloseTo(want, org.assertj.core.data.Offset.offset(2e-6));
                    largestChange = Math.max(largestChange, Math.abs(scaling * delta));
                }
            }
        }
        assertThat(largestChange).as("two steps moved B away from zero").isGreaterThan(1e-4);
        for (String tensor : merged.entries().keySet()) {
            if (!adapted.contains(tensor)) {
                assertThat(Arrays.equals(merged.readFloats(tensor), base.readFloats(tensor))).as(tensor).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2"})
    void anExactReferenceIsExportedMergedNotAsAdapters(String name, @TempDir Path dir) {
        Path checkpoint = dir.resolve("step-1.ckpt");
        try (AlignmentTrainer t = AlignmentTrainer.fromHuggingFace(LoraTrainingTest.hfTiny(name), 16,
                LoraTrainingTest.trDpo(0.5), LoraTrainingTest.lora(ReferenceMix.EXACT, "q_proj", "v_proj"))) {
            t.stepPairs(LoraTrainingTest.pairs(8, 2));
            t.saveCheckpoint(checkpoint);
        }
        assertThatThrownBy(() -> HfExport.toPeftFolder(checkpoint, true, dir.resolve("ref")))
                .hasMessageContaining("lora_reference_mix=exact").hasMessageContaining("--merged --reference");
        HfExport.toFolder(checkpoint, true, dir.resolve("ref-merged"));
        assertThat(dir.resolve("ref-merged").resolve("model.safetensors")).exists();
    }
}
