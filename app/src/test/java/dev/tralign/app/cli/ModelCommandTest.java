package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tralign model ...} on the hf-tiny checkpoints (../shared/data/hf-tiny beside the checkout). */
class ModelCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CliRun cli = new CliRun();

    @TempDir
    Path tmp;

    private int run(String... args) {
        return cli.run(args);
    }

    private static Path hfTiny(String model) {
        return CliRun.hfTiny(model);
    }

    @Test
    void logprobsPrintsWhatTransformersComputes() throws Exception {
        JsonNode c = JSON.readTree(hfTiny("qwen2").resolve("expected.json").toFile()).path("float32").path("cases")
                .get(1);
        StringBuilder ids = new StringBuilder();
        c.path("input_ids").forEach(id -> ids.append(ids.length() == 0 ? "" : ",").append(id.asInt()));
        assertThat(run("model", "logprobs", "--model", hfTiny("qwen2").toString(), "--ids", ids.toString(),
                "--prompt-length", c.path("prompt_length").asText())).as(cli.err()).isZero();
        JsonNode line = JSON.readTree(cli.out());
        assertThat(line.path("completion_logprob_sum").asDouble())
                .isCloseTo(c.path("completion_logprob_sum").asDouble(), org.assertj.core.data.Offset.offset(2e-4));
        assertThat(line.path("token_logprobs").size()).isEqualTo(c.path("token_logprobs").size());
        assertThat(line.path("last_logits").size()).isEqualTo(512);
        assertThat(line.path("last_logits").get(7).asDouble())
                .isCloseTo(c.path("last_logits").get(7).asDouble(), org.assertj.core.data.Offset.offset(2e-4));
    }

    @Test
    void generateIsTransformersGreedy() throws Exception {
        JsonNode greedy = JSON.readTree(hfTiny("gpt-neox").resolve("expected.json").toFile()).path("float32")
                .path("greedy_generation");
        StringBuilder ids = new StringBuilder();
        greedy.path("prompt_ids").forEach(id -> ids.append(ids.length() == 0 ? "" : ",").append(id.asInt()));
        assertThat(run("model", "generate", "--model", hfTiny("gpt-neox").toString(), "--ids", ids.toString(),
                "--max-new-tokens", "10")).as(cli.err()).isZero();
        assertThat(JSON.readTree(cli.out()).path("ids")).isEqualTo(greedy.path("generate_new_tokens"));
    }

    @Test
    void samplingFlagsSampleReproduciblyAndRefuseANegativeTemperature() throws Exception {
        String model = hfTiny("qwen2").toString();
        String[] args = {"model", "generate", "--model", model, "--ids", "3,4,5", "--max-new-tokens", "12",
            "--temperature", "1.5", "--top-k", "50", "--seed", "9"};
        assertThat(run(args)).as(cli.err()).isZero();
        JsonNode first = JSON.readTree(cli.out()).path("ids");
        cli.clear();
        assertThat(run(args)).isZero();
        assertThat(JSON.readTree(cli.out()).path("ids")).as("same seed, same sample").isEqualTo(first);
        assertThat(first.size()).isEqualTo(12);
        cli.clear();
        assertThat(run("model", "generate", "--model", model, "--ids", "3,4,5", "--max-new-tokens", "12")).isZero();
        assertThat(JSON.readTree(cli.out()).path("ids")).as("1.5 and top-50 differ from greedy").isNotEqualTo(first);
        assertThat(run("model", "generate", "--model", model, "--ids", "3", "--temperature", "-1")).isEqualTo(1);
        assertThat(cli.err()).contains("--temperature must be >= 0");
    }

    @Test
    void initWritesAFolderThatInspectReads() {
        Path folder = tmp.resolve("fresh");
        assertThat(run("model", "init", "--arch", "llama", "--hidden", "32", "--heads", "4", "--kv-heads", "2",
                "--layers", "1", "--vocab", "50", "--max-positions", "64", "--eos", "2", "--out", folder.toString()))
                .as(cli.err()).isZero();
        assertThat(folder.resolve("model.safetensors")).isRegularFile();
        assertThat(run("model", "inspect", "--model", folder.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("llama (LlamaForCausalLM)").contains("heads 4 (kv 2")
                .contains("eos [2]").contains("chat template     no");
    }

    @Test
    void aFolderWithATokenizerGeneratesFromTextAndDecodes() throws Exception {
        // A word-level tokenizer.json: pad 0, eos 1, then six words.
        String words = "{\"<pad>\": 0, \"</s>\": 1, \"hello\": 2, \"world\": 3, \"good\": 4, \"bad\": 5, "
                + "\"day\": 6, \"night\": 7}";
        Path tokenizer = Files.writeString(tmp.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"truncation\": null, "
                + "\"padding\": null, \"added_tokens\": [{\"id\": 0, \"content\": \"<pad>\", \"single_word\": false, "
                + "\"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}, {\"id\": 1, "
                + "\"content\": \"</s>\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, "
                + "\"normalized\": false, \"special\": true}], \"normalizer\": null, \"pre_tokenizer\": "
                + "{\"type\": \"Whitespace\"}, \"post_processor\": null, \"decoder\": null, \"model\": "
                + "{\"type\": \"WordLevel\", \"vocab\": " + words + ", \"unk_token\": \"<pad>\"}}");
        Path folder = tmp.resolve("worded");
        assertThat(run("model", "init", "--arch", "qwen2", "--tokenizer", tokenizer.toString(), "--hidden", "16",
                "--heads", "2", "--layers", "1", "--out", folder.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("vocabulary 8");
        assertThat(folder.resolve("tokenizer.json")).isRegularFile();
        cli.clear();
        assertThat(run("model", "generate", "--model", folder.toString(), "--prompt", "hello world",
                "--max-new-tokens", "4")).as(cli.err()).isZero();
        JsonNode line = JSON.readTree(cli.out());
        assertThat(line.path("ids").size()).isEqualTo(4);
        StringBuilder expectedText = new StringBuilder();
        List<String> vocab = List.of("<pad>", "</s>", "hello", "world", "good", "bad", "day", "night");
        line.path("ids").forEach(id -> {
            if (id.asInt() > 1) {
                expectedText.append(expectedText.length() == 0 ? "" : " ").append(vocab.get(id.asInt()));
            }
        });
        assertThat(line.path("text").asText()).isEqualTo(expectedText.toString());
    }

    @Test
    void anUnknownArchitectureNamesTheSupportedOnes() {
        assertThat(run("model", "init", "--arch", "falcon", "--out", tmp.resolve("x").toString())).isEqualTo(1);
        assertThat(cli.err()).contains("falcon").contains("gpt_neox, llama, qwen2, mistral, gpt2");
        assertThat(run("model", "inspect", "--model", tmp.resolve("missing").toString())).isEqualTo(1);
        assertThat(cli.err()).contains("is not a directory");
    }
}
