package dev.tralign.trainerservice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainer.config.LoraConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The use_peft / lora_* keys: PEFT's names and defaults, resolved per architecture, refused with what to change. */
class LoraRunConfigTest {

    private static String tiny(String model) {
        for (Path p : List.of(Path.of("../../shared/data/hf-tiny"), Path.of("../shared/data/hf-tiny"))) {
            if (Files.isDirectory(p)) {
                return p.resolve(model).toAbsolutePath().toString();
            }
        }
        throw new IllegalStateException("hf-tiny fixtures not found beside the checkout (../shared/data/hf-tiny)");
    }

    private static RunConfig with(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return RunConfig.of(m);
    }

    @Test
    void defaultsArePeftsPerArchitecture() {
        LoraConfig llama = with("model.init", "pretrained", "model_name_or_path", tiny("llama-gqa"), "use_peft", "true")
                .loraConfig();
        assertThat(llama.targetModules()).containsExactly("q_proj", "v_proj");
        assertThat(llama.r()).isEqualTo(16);
        assertThat(llama.scaling()).isEqualTo(2.0);
        assertThat(llama.referenceMix()).isEqualTo(LoraConfig.ReferenceMix.EXACT);
        assertThat(with("model.init", "pretrained", "model_name_or_path", tiny("gpt2"), "use_peft", "true")
                .loraConfig().targetModules()).containsExactly("c_attn");
        assertThat(with("model.init", "pretrained", "model_name_or_path", tiny("gpt-neox"), "use_peft", "true")
                .loraConfig().targetModules()).containsExactly("query_key_value");
        LoraConfig given = with("model.init", "pretrained", "model_name_or_path", tiny("gpt2"), "use_peft", "true",
                "lora_r", "4", "lora_alpha", "8", "use_rslora", "true", "lora_target_modules", "all-linear",
                "lora_reference_mix", "factors").loraConfig();
        assertThat(given.scaling()).isEqualTo(4.0);
        assertThat(given.targetModules()).containsExactly("all-linear");
        assertThat(given.referenceMix()).isEqualTo(LoraConfig.ReferenceMix.FACTORS);
        assertThat(with("model.init", "pretrained", "model_name_or_path", tiny("gpt2")).loraConfig()).isNull();
    }

    @Test
    void misuseIsRefusedNamingTheKeyAndTheFix() {
        assertThatThrownBy(() -> with("model.init", "fresh", "use_peft", "true"))
                .hasMessageContaining("use_peft=true needs model.init=pretrained");
        assertThatThrownBy(() -> with("model.init", "pretrained", "model_name_or_path", tiny("gpt2"), "lora_r", "4"))
                .hasMessageContaining("lora_r only applies with use_peft=true");
        assertThatThrownBy(() -> with("model.init", "pretrained", "model_name_or_path", tiny("gpt2"),
                "use_peft", "true", "lora_target_modules", "q_proj,v_proj"))
                .hasMessageContaining("lora_target_modules names 'q_proj'").hasMessageContaining("c_attn, c_proj, c_fc");
        assertThatThrownBy(() -> with("model.init", "pretrained", "model_name_or_path", tiny("gpt2"),
                "use_peft", "true", "lora_dropout", "0.05"))
                .hasMessageContaining("lora_dropout=0.05 is not implemented").hasMessageContaining("lora_dropout=0");
        assertThatThrownBy(() -> with("model.init", "pretrained", "model_name_or_path", tiny("gpt2"),
                "use_peft", "true", "lora_reference_mix", "exakt"))
                .hasMessageContaining("lora_reference_mix=exakt is not one of exact|factors");
    }

    @Test
    void aRunWithoutPeftKeepsItsDigest() {
        RunConfig plain = with("model.init", "fresh");
        RunConfig explicit = with("model.init", "fresh", "use_peft", "false");
        assertThat(explicit.digest()).isEqualTo(plain.digest());
    }
}
