package dev.tralign.trainer.lora;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.model.hf.LinearModule;
import dev.tralign.trainer.model.hf.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adapters as PEFT saves them (save_pretrained of a PeftModel with one adapter): {@code adapter_config.json} and
 * {@code adapter_model.safetensors} whose keys are {@code base_model.model.<module path>.lora_A.weight} [r, in] and
 * {@code .lora_B.weight} [out, r], the adapter name left out, B's rows in the module's own (Hugging Face) order.
 */
public final class PeftAdapterFolder {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";

    private PeftAdapterFolder() {
    }

    /** PEFT's key of a module's factor ("lora_A" or "lora_B"). */
    public static String key(LinearModule m, String factor) {
        return "base_model.model." + m.path() + "." + factor + ".weight";
    }

    /**
     * Writes {@code adapters} (tensor name -> values, {@link LoraTargets#adapterLayout()}) into {@code out}, naming
     * {@code baseModel} as base_model_name_or_path.
     */
    public static void write(Path out, LoraTargets targets, Map<String, float[]> adapters, String baseModel) {
        LoraConfig c = targets.config();
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        boolean conv1d = false;
        for (LinearModule m : targets.modules()) {
            conv1d |= m.conv1d();
            float[] a = adapters.get(LoraTargets.a(m));
            float[] b = adapters.get(LoraTargets.b(m));
            if (a == null || b == null) {
                throw new IllegalArgumentException("adapters lack module " + LoraTargets.prefix(m));
            }
            tensors.put(key(m, "lora_A"), new SafetensorsWriter.Tensor(new long[] {c.r(), m.in()}, a));
            tensors.put(key(m, "lora_B"), new SafetensorsWriter.Tensor(new long[] {m.rows(), c.r()},
                    storedRows(b, m, c.r())));
        }
        try {
            Files.createDirectories(out);
            ObjectMapper json = new ObjectMapper();
            ObjectNode config = json.createObjectNode();
            config.put("peft_type", "LORA").put("task_type", "CAUSAL_LM").put("base_model_name_or_path", baseModel)
                    .put("r", c.r()).put("lora_alpha", c.alpha()).put("lora_dropout", c.dropout())
                    .put("fan_in_fan_out", conv1d).put("bias", "none").put("use_rslora", c.useRslora())
                    .put("use_dora", false).put("init_lora_weights", true).put("inference_mode", true);
            var modules = config.putArray("target_modules");
            targets.moduleNames().forEach(modules::add);
            config.putNull("modules_to_save");
            config.putObject("rank_pattern");
            config.putObject("alpha_pattern");
            Files.writeString(out.resolve(CONFIG), json.writerWithDefaultPrettyPrinter().writeValueAsString(config)
                    + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve(CONFIG) + ": " + e.getMessage(), e);
        }
        SafetensorsWriter.write(out.resolve(WEIGHTS), tensors);
    }

    /** B [rows, r] from our row order into the module's (GPT-NeoX's per-head interleaving); else as is. */
    private static float[] storedRows(float[] b, LinearModule m, int r) {
        if (m.oursOfStored() == null) {
            return b;
        }
        float[] out = new float[b.length];
        for (int stored = 0; stored < m.oursOfStored().length; stored++) {
            System.arraycopy(b, m.oursOfStored()[stored] * r, out, stored * r, r);
        }
        return out;
    }
}
