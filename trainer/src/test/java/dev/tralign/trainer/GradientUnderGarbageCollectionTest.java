package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.tralign.trainer.loss.FeedbackLogProbs;
import dev.tralign.trainer.loss.HingeLoss;
import dev.tralign.trainer.loss.AotLoss;
import dev.tralign.trainer.loss.ApoLoss;
import dev.tralign.trainer.loss.BcoPairLoss;
import dev.tralign.trainer.loss.ChosenNllLoss;
import dev.tralign.trainer.loss.DiscoPopLoss;
import dev.tralign.trainer.loss.ExoPairLoss;
import dev.tralign.trainer.loss.FDivergence;
import dev.tralign.trainer.loss.IpoLoss;
import dev.tralign.trainer.loss.LegacyIpoLoss;
import dev.tralign.trainer.loss.NcaPairLoss;
import dev.tralign.trainer.loss.RobustLoss;
import dev.tralign.trainer.loss.SigmoidNormLoss;
import dev.tralign.trainer.loss.SppoHardLoss;
import dev.tralign.trainer.loss.WeightedSumLoss;
import dev.tralign.trainer.loss.KtoLoss;
import dev.tralign.trainer.loss.KtoPairLoss;
import dev.tralign.trainer.loss.LabelSmoothingLoss;
import dev.tralign.trainer.loss.PairLogProbs;
import dev.tralign.trainer.loss.PairLoss;
import dev.tralign.trainer.loss.SftLoss;
import dev.tralign.trainer.loss.SigmoidLoss;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.GptModel;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.PairBatch;
import dev.tralign.trainer.model.PairCollator;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.SplitMix64;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The gradient of every loss must not depend on when the garbage collector runs. DJL's number overloads
 * ({@code mul(Number)}...) leave autograd holding tensors over freed Java memory (see {@code model.Scalars}); this
 * test collects garbage and reuses the freed memory between forward and backward, which made the gradient wrong in
 * about 8 of 10 tries before the fix, and compares with a backward that ran undisturbed.
 */
class GradientUnderGarbageCollectionTest {

    private static final ModelConfig SHAPE = new ModelConfig(31, 16, 1, 2, 24);
    private static final int TRIES = 12;

    private static int[] tokens(SplitMix64 random, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (int) Math.floorMod(random.nextLong(), SHAPE.vocabSize());
        }
        return t;
    }

    /** Frees what the GC can and fills fresh direct buffers with junk, so freed native memory gets new contents. */
    private static List<ByteBuffer> churn() {
        System.gc();
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            b.putDouble(0, 7.0);
            junk.add(b);
        }
        return junk;
    }

    @Test
    void everyLossGivesTheSameGradientWhenTheGcRunsBeforeBackward() {
        SplitMix64 random = new SplitMix64(11);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> chosen = new ArrayList<>();
        List<int[]> rejected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            prompts.add(tokens(random, 2 + i));
            chosen.add(tokens(random, 1 + 2 * i));
            rejected.add(tokens(random, 5 - i));
        }
        PairBatch batch = new PairCollator(SHAPE.maxSeqLen()).collate(prompts, chosen, rejected);
        float[] reference = {-9f, -11f, -14f, -20f, -13f, -12f, -10f, -8f};
        Map<String, BiFunction<NDArray, NDManager, NDArray>> losses = new LinkedHashMap<>();
        pairLoss(losses, "sigmoid", new SigmoidLoss(0.5), batch, reference);
        pairLoss(losses, "cdpo", new LabelSmoothingLoss(0.5, 0.2), batch, reference);
        pairLoss(losses, "ipo", new LegacyIpoLoss(0.5, true), batch, reference);
        pairLoss(losses, "hinge", new HingeLoss(0.5), batch, reference);
        pairLoss(losses, "kto_pair", new KtoPairLoss(0.5), batch, reference);
        FDivergence alpha = FDivergence.of(FDivergence.Kind.ALPHA_DIVERGENCE, 0.3);
        pairLoss(losses, "ipo (TRL, alpha divergence)", new IpoLoss(0.5, alpha), batch, reference);
        pairLoss(losses, "exo_pair", new ExoPairLoss(0.5, 0.01, FDivergence.reverseKl()), batch, reference);
        pairLoss(losses, "nca_pair (forward KL)", new NcaPairLoss(0.5,
                FDivergence.of(FDivergence.Kind.FORWARD_KL, 0.5)), batch, reference);
        pairLoss(losses, "robust (JS)", new RobustLoss(0.5, 0.1, FDivergence.of(FDivergence.Kind.JS_DIVERGENCE, 0.5)),
                batch, reference);
        pairLoss(losses, "bco_pair", new BcoPairLoss(0.5, alpha), batch, reference);
        pairLoss(losses, "sppo_hard", new SppoHardLoss(0.5, alpha), batch, reference);
        pairLoss(losses, "aot", new AotLoss(0.5, 0.1, true), batch, reference);
        pairLoss(losses, "aot_unpaired", new AotLoss(0.5, 0.1, false), batch, reference);
        pairLoss(losses, "apo_zero", new ApoLoss(0.5, false, alpha), batch, reference);
        pairLoss(losses, "apo_down", new ApoLoss(0.5, true, alpha), batch, reference);
        pairLoss(losses, "discopop", new DiscoPopLoss(0.5, 0.05, alpha), batch, reference);
        pairLoss(losses, "sigmoid_norm", new SigmoidNormLoss(0.5, alpha), batch, reference);
        pairLoss(losses, "mpo", new WeightedSumLoss(List.of(new SigmoidLoss(0.5), new BcoPairLoss(0.5, alpha),
                new ChosenNllLoss(0.5)), new double[] {0.8, 0.2, 1.0}), batch, reference);
        losses.put("kto", (lp, m) -> new KtoLoss(0.5, 1.0, 1.33).compute(new FeedbackLogProbs(lp, m.create(reference),
                lp.flip(0), m.create(reference).flip(0), m.create(new float[] {1, 0, 1, 1, 0, 0, 1, 0}))).losses()
                .mean());
        losses.put("sft", (lp, m) -> new SftLoss().compute(lp, 17));

        try (GptModel model = new GptModel(SHAPE, Device.cpu());
                ParameterSet policy = ParameterSet.initialise(SHAPE, 5, Device.cpu())) {
            model.enableGradients(policy);
            for (var loss : losses.entrySet()) {
                float[] undisturbed = gradient(model, policy, batch, loss.getValue(), false);
                for (int i = 0; i < TRIES; i++) {
                    assertThat(gradient(model, policy, batch, loss.getValue(), true))
                            .as("%s gradient after a GC between forward and backward (try %d)", loss.getKey(), i)
                            .containsExactly(undisturbed);
                }
            }
        }
    }

    private static void pairLoss(Map<String, BiFunction<NDArray, NDManager, NDArray>> losses, String name,
            PairLoss loss, PairBatch batch, float[] reference) {
        losses.put(name, (lp, m) -> {
            NDArray ref = m.create(reference);
            NDArray lengths = m.create(toFloats(batch.completionLengths()));
            return loss.compute(new PairLogProbs(lp.get("0:4"), lp.get("4:"), ref.get("0:4"), ref.get("4:"),
                    lengths.get("0:4"), lengths.get("4:"))).losses().mean();
        });
    }

    private static float[] toFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static float[] gradient(GptModel model, ParameterSet policy, PairBatch batch,
            BiFunction<NDArray, NDManager, NDArray> loss, boolean collectGarbage) {
        return Autograd.withGrad(true, () -> {
            try (NDManager m = model.newStepManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray value = loss.apply(model.pairLogProbs(policy, batch, m), m);
                List<ByteBuffer> junk = collectGarbage ? churn() : List.of();
                Autograd.backward(value);
                float[] g = model.flatGradient(policy).toFloatArray();
                model.zeroGradients(policy);
                java.lang.ref.Reference.reachabilityFence(junk);
                return g;
            }
        });
    }
}
