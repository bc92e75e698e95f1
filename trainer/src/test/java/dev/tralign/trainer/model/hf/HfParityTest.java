package dev.tralign.trainer.model.hf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tralign.trainer.model.Autograd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native decoder against what transformers 4.45.1 computes on the hf-tiny checkpoints (float32): token
 * log-probs, last-position logits and full logits within 2e-4, a right-padded batch, and greedy generation through
 * the key/value cache identical to transformers' generate.
 */
class HfParityTest {

    private static final double TOLERANCE = 2e-4;

    @ParameterizedTest
    @ValueSource(strings = {"gpt-neox", "llama-gqa", "qwen2", "gpt2"})
    void singleSequencesMatchTransformers(String name) {
        JsonNode expected = HfTiny.expected(name);
        double worst = 0;
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(HfTiny.model(name), 0, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            for (JsonNode c : expected.path("cases")) {
                long[] ids = HfTiny.longs(c.path("input_ids"));
                float[] logits = logits(loaded, m, ids, 1);
                int v = loaded.info().spec().vocabSize();
                float[] logProbs = logSoftmaxRows(logits, v);
                double sum = 0;
                for (int t = 0; t + 1 < ids.length; t++) {
                    double lp = logProbs[t * v + (int) ids[t + 1]];
                    worst = Math.max(worst, check(lp, c.path("token_logprobs").get(t).asDouble(), name, "token " + t));
                    sum += c.path("completion_mask").get(t).asInt() * lp;
                }
                worst = Math.max(worst, check(sum, c.path("completion_logprob_sum").asDouble(), name, "sum"));
                int last = ids.length - 1;
                for (int j = 0; j < v; j++) {
                    worst = Math.max(worst, check(logits[last * v + j], c.path("last_logits").get(j).asDouble(), name,
                            "last logit " + j));
                }
                JsonNode full = c.path("full_logits");
                for (int t = 0; t < full.size(); t++) {
                    for (int j = 0; j < v; j++) {
                        worst = Math.max(worst, check(logits[t * v + j], full.get(t).get(j).asDouble(), name,
                                "logit " + t + "," + j));
                    }
                }
            }
        }
        System.out.printf("hf-tiny %s: single sequences max |error| %.3g%n", name, worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-neox", "llama-gqa", "qwen2", "gpt2"})
    void rightPaddedBatchMatchesTransformers(String name) {
        JsonNode batch = HfTiny.expected(name).path("batch_right_padded");
        double worst = 0;
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(HfTiny.model(name), 0, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            int rows = batch.path("input_ids").size();
            int width = batch.path("input_ids").get(0).size();
            long[] ids = new long[rows * width];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(HfTiny.longs(batch.path("input_ids").get(r)), 0, ids, r * width, width);
            }
            float[] logits = logits(loaded, m, ids, rows);
            int v = loaded.info().spec().vocabSize();
            float[] logProbs = logSoftmaxRows(logits, v);
            for (int r = 0; r < rows; r++) {
                JsonNode expectedLps = batch.path("token_logprobs").get(r);
                int checked = 0;
                for (int t = 0; t + 1 < width; t++) {
                    if (expectedLps.get(t).isNull()) {
                        continue;
                    }
                    double lp = logProbs[(r * width + t) * v + (int) ids[r * width + t + 1]];
                    worst = Math.max(worst, check(lp, expectedLps.get(t).asDouble(), name, "row " + r + " token " + t));
                    checked++;
                }
                assertThat(checked).isGreaterThan(5);
                int last = batch.path("last_real_index").get(r).asInt();
                for (int j = 0; j < v; j++) {
                    worst = Math.max(worst, check(logits[(r * width + last) * v + j],
                            batch.path("last_logits").get(r).get(j).asDouble(), name, "row " + r + " last logit " + j));
                }
            }
        }
        System.out.printf("hf-tiny %s: right-padded batch max |error| %.3g%n", name, worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-neox", "llama-gqa", "qwen2", "gpt2"})
    void cachedGreedyGenerationMatchesTransformers(String name) {
        JsonNode greedy = HfTiny.expected(name).path("greedy_generation");
        int[] prompt = HfTiny.ints(greedy.path("prompt_ids"));
        int steps = greedy.path("max_new_tokens").asInt();
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(HfTiny.model(name), 0, Device.cpu())) {
            int[] generated = HfGeneration.greedy(loaded.model(), loaded.parameters(), prompt, steps, -1);
            assertThat(generated).as(name + " greedy tokens (argmax loop, never stopping)")
                    .containsExactly(HfTiny.ints(greedy.path("manual_argmax_new_tokens")));
            int eos = greedy.path("eos_token_id").isInt() ? greedy.path("eos_token_id").asInt() : -1;
            assertThat(HfGeneration.greedy(loaded.model(), loaded.parameters(), prompt, steps, eos))
                    .as(name + " greedy tokens stopping at eos, as generate() does")
                    .containsExactly(HfTiny.ints(greedy.path("generate_new_tokens")));
        }
    }

    private static float[] logits(HfModelFolder.Loaded loaded, NDManager m, long[] ids, int rows) {
        return Autograd.withGrad(false, () -> {
            NDArray x = m.create(ids, new Shape(rows, ids.length / rows));
            return loaded.model().logits(loaded.parameters(), x).toFloatArray();
        });
    }

    private static float[] logSoftmaxRows(float[] logits, int v) {
        float[] out = new float[logits.length];
        for (int row = 0; row < logits.length / v; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logits[row * v + j]);
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(logits[row * v + j] - max);
            }
            double log = max + Math.log(sum);
            for (int j = 0; j < v; j++) {
                out[row * v + j] = (float) (logits[row * v + j] - log);
            }
        }
        return out;
    }

    private static double check(double actual, double expected, String model, String what) {
        double error = Math.abs(actual - expected);
        assertThat(error).as("%s %s: %s vs transformers %s", model, what, actual, expected).isLessThanOrEqualTo(
                TOLERANCE);
        return error;
    }
}
