package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trainer's Policy over a Hugging Face decoder: scores and cached sampling agree with transformers. */
class HfPolicyTest {

    private static Path hfTiny(String model) {
        for (Path p : List.of(Path.of("../../shared/data/hf-tiny"), Path.of("../shared/data/hf-tiny"))) {
            if (Files.isDirectory(p)) {
                return p.resolve(model);
            }
        }
        throw new IllegalStateException("hf-tiny fixtures not found beside the checkout (../shared/data/hf-tiny)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-neox", "llama-gqa", "qwen2", "gpt2"})
    void policyScoresAndSamplesAsTransformers(String name) throws Exception {
        JsonNode expected = new ObjectMapper().readTree(hfTiny(name).resolve("expected.json").toFile())
                .path("float32");
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(hfTiny(name), 0, Device.cpu())) {
            GptPolicy policy = new GptPolicy(loaded.model(), loaded.parameters(), false);
            JsonNode c = expected.path("cases").get(2);
            int[] ids = ints(c.path("input_ids"));
            int p = c.path("prompt_length").asInt();
            double[] scores = policy.completionLogProbs(List.of(new TokenizedExample("case2", Arrays.copyOf(ids, p),
                    Arrays.copyOfRange(ids, p, ids.length))));
            assertThat(scores[0]).isCloseTo(c.path("completion_logprob_sum").asDouble(), Offset.offset(2e-4));

            JsonNode greedy = expected.path("greedy_generation");
            int[] prompt = ints(greedy.path("prompt_ids"));
            int[][] out = policy.sample(List.of(prompt, new int[] {7, 8}), SamplingConfig.greedy(10, -1), 1);
            assertThat(out[0]).containsExactly(ints(greedy.path("manual_argmax_new_tokens")));
            assertThat(out[1]).hasSize(10);
            SamplingConfig warm = new SamplingConfig(1.0, 0, 1.0, 12, -1);
            int[][] a = policy.sample(List.of(prompt), warm, 42);
            int[][] b = policy.sample(List.of(prompt), warm, 42);
            assertThat(a[0]).hasSize(12).containsExactly(b[0]);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
