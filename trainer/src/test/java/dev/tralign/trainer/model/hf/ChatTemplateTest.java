package dev.tralign.trainer.model.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat templates rendered as transformers renders them: chat-templates/cases.json holds what Python's Jinja (set up
 * as transformers 4.45 sets it up; make_expected.py beside it) renders for four template styles (ChatML with tools,
 * Llama-3 headers, alternating [INST] turns with raise_exception, namespace + startswith).
 */
class ChatTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void everyCaseRendersAsPythonJinjaDoes() throws Exception {
        JsonNode all = JSON.readTree(getClass().getResource("/chat-templates/cases.json"));
        Map<String, String> special = JSON.convertValue(all.path("special_tokens"), new TypeReference<>() { });
        int rendered = 0;
        int refused = 0;
        for (JsonNode c : all.path("cases")) {
            ChatTemplate template = new ChatTemplate(all.path("templates").path(c.path("template").asText()).asText(),
                    special);
            List<Map<String, Object>> messages = JSON.convertValue(all.path("conversations")
                    .path(c.path("conversation").asText()), new TypeReference<>() { });
            Map<String, Object> extra = new HashMap<>();
            if (!c.path("tools").isNull()) {
                extra.put("tools", JSON.convertValue(c.path("tools"), List.class));
            }
            String what = c.path("template").asText() + "/" + c.path("conversation").asText() + " generation prompt "
                    + c.path("add_generation_prompt").asBoolean() + " tools " + extra.containsKey("tools");
            boolean generation = c.path("add_generation_prompt").asBoolean();
            if (c.has("error")) {
                assertThatThrownBy(() -> template.render(messages, generation, extra)).as(what)
                        .hasMessageContaining(c.path("error").asText());
                refused++;
            } else {
                assertThat(template.render(messages, generation, extra)).as(what)
                        .isEqualTo(c.path("expected").asText());
                rendered++;
            }
        }
        assertThat(rendered).isEqualTo(38);
        assertThat(refused).isEqualTo(2);
    }

    @Test
    void aPairSplitsWhereTrlSplitsIt() throws Exception {
        Path config = tmp.resolve("tokenizer_config.json");
        JsonNode all = JSON.readTree(getClass().getResource("/chat-templates/cases.json"));
        Map<String, Object> tokenizerConfig = new HashMap<>();
        tokenizerConfig.put("chat_template", all.path("templates").path("headers").asText());
        tokenizerConfig.put("bos_token", Map.of("content", "<|begin_of_text|>"));
        tokenizerConfig.put("eos_token", "<|eot_id|>");
        Files.writeString(config, JSON.writeValueAsString(tokenizerConfig));
        ChatTemplate template = ChatTemplate.of(config);
        String[] split = template.promptAndCompletion(List.of(Map.of("role", "user", "content", "Hi")),
                List.of(Map.of("role", "assistant", "content", "Hello!")));
        assertThat(split[0]).isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(split[1]).isEqualTo("Hello!<|eot_id|>");
    }

    @Test
    void aTemplateTheEngineCannotRunIsRefusedNotGuessed() {
        ChatTemplate template = new ChatTemplate("{{ messages[0].content.partition(':')[0] }}", Map.of());
        assertThatThrownBy(() -> template.render(List.of(Map.of("role", "user", "content", "a:b")), false))
                .hasMessageContaining("chat template failed").hasMessageContaining("partition");
        assertThatThrownBy(() -> ChatTemplate.of(writeConfig("{\"eos_token\": \"</s>\"}")))
                .hasMessageContaining("has no chat_template");
    }

    private Path writeConfig(String json) throws Exception {
        Path p = tmp.resolve("tc.json");
        Files.writeString(p, json);
        return p;
    }
}
