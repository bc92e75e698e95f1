package dev.tralign.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tralign.trainer.loss.PairLogProbs;
import dev.tralign.trainer.loss.SigmoidLoss;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The Java model against the PyTorch peer (bench/torch_dpo_step.py) on the same weights and tokens: logits,
 * completion log-probs, the DPO loss and the gradient norm. The numbers come from peer/make_fixture.py.
 */
class GptModelPeerTest {

    private static JsonNode fixture() throws IOException {
        try (InputStream in = GptModelPeerTest.class.getResourceAsStream("/peer/peer_fixture.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static ParameterSet weights(JsonNode values, ModelConfig shape) {
        Map<String, float[]> map = new HashMap<>();
        values.fields().forEachRemaining(e -> {
            float[] f = new float[e.getValue().size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) e.getValue().get(i).asDouble();
            }
            map.put(e.getKey(), f);
        });
        assertThat(map.keySet()).hasSize(ParameterLayout.of(shape).size());
        return ParameterSet.fromValues(ParameterLayout.of(shape), Device.cpu(), map);
    }

    @Test
    void matchesThePyTorchPeerOnTheSameWeights() throws IOException {
        JsonNode f = fixture();
        JsonNode s = f.get("shape");
        int t = s.get("seq").asInt();
        int pairs = s.get("pairs").asInt();
        ModelConfig shape = new ModelConfig(s.get("vocab").asInt(), s.get("embed").asInt(), s.get("layers").asInt(),
                s.get("heads").asInt(), t);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> completions = new ArrayList<>();
        long[] inputs = new long[2 * pairs * (t - 1)];
        for (int r = 0; r < 2 * pairs; r++) {
            int[] row = new int[t];
            for (int i = 0; i < t; i++) {
                row[i] = f.get("tokens").get(r).get(i).asInt();
                if (i < t - 1) {
                    inputs[r * (t - 1) + i] = row[i];
                }
            }
            prompts.add(java.util.Arrays.copyOfRange(row, 0, t / 2));
            completions.add(java.util.Arrays.copyOfRange(row, t / 2, t));
        }
        try (GptModel model = new GptModel(shape, Device.cpu());
                ParameterSet policy = weights(f.get("policy"), shape);
                ParameterSet reference = weights(f.get("reference"), shape);
                NDManager m = NDManager.newBaseManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            float[] logits = Autograd.withGrad(false, () -> model.logits(policy,
                    m.create(inputs, new Shape(2 * pairs, t - 1))).toFloatArray());
            JsonNode expected = f.get("logits");
            assertThat(logits).hasSize(expected.size());
            for (int i = 0; i < logits.length; i++) {
                assertThat((double) logits[i]).as("logit %d", i).isCloseTo(expected.get(i).asDouble(),
                        Offset.offset(1e-5));
            }

            policy.setRequiresGradient(true);
            SequenceBatch batch = new SequenceCollator(t, 0).collate(prompts, completions);
            double[] result = Autograd.withGrad(true, () -> {
                NDArray lp = model.sequenceLogProbs(policy, batch, m);
                NDArray ref = model.sequenceLogProbs(reference, batch, m).stopGradient();
                String a = "0:" + pairs;
                String b = pairs + ":";
                NDArray loss = new SigmoidLoss(s.get("beta").asDouble()).compute(new PairLogProbs(lp.get(a),
                        lp.get(b), ref.get(a), ref.get(b), null, null)).losses().mean();
                Autograd.backward(loss);
                NDList grads = new NDList();
                policy.tensors().values().forEach(p -> grads.add(p.getGradient().reshape(-1)));
                double norm = NDArrays.concat(grads).square().sum().sqrt().getFloat();
                float[] lps = lp.toFloatArray();
                float[] refs = ref.toFloatArray();
                return new double[] {loss.getFloat(), norm, lps[0], lps[3], refs[1]};
            });
            assertThat(result[0]).isCloseTo(f.get("dpo_loss").asDouble(), Offset.offset(1e-6));
            assertThat(result[1]).isCloseTo(f.get("grad_norm").asDouble(), Offset.offset(1e-5));
            assertThat(result[2]).isCloseTo(f.get("policy_logps").get(0).asDouble(), Offset.offset(1e-5));
            assertThat(result[3]).isCloseTo(f.get("policy_logps").get(3).asDouble(), Offset.offset(1e-5));
            assertThat(result[4]).isCloseTo(f.get("reference_logps").get(1).asDouble(), Offset.offset(1e-5));
        }
    }
}
