package dev.tralign.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;

/**
 * AdamW (Loshchilov and Hutter 2019) with PyTorch's update order, its state held as NDArrays this class owns so a
 * checkpoint can store and restore it exactly (DJL's Adam keeps its state private):
 * <pre>
 *   p  &lt;- p * (1 - lr * wd * decay)           (decoupled decay; decay = 0 for biases and LayerNorm weights)
 *   m  &lt;- b1 * m + (1 - b1) * g
 *   v  &lt;- b2 * v + (1 - b2) * g^2
 *   p  &lt;- p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * Works on the flat parameter and gradient buffers: about ten native calls per step whatever the model depth.
 * Must be called with grad mode off (in-place updates of leaves).
 */
public final class AdamW implements AutoCloseable {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final ParameterSet firstMoments;
    private final ParameterSet secondMoments;
    private final NDManager manager;
    private final NDArray decayMask;
    private long updates;

    /** Fresh state (zero moments). */
    public AdamW(ParameterSet params, double beta1, double beta2, double epsilon, double weightDecay) {
        this(beta1, beta2, epsilon, weightDecay, ParameterSet.zeros(params.specs(), params.device()),
                ParameterSet.zeros(params.specs(), params.device()), 0);
    }

    /** Restored state (from a checkpoint); takes ownership of the moment sets. */
    public AdamW(double beta1, double beta2, double epsilon, double weightDecay, ParameterSet firstMoments,
            ParameterSet secondMoments, long updates) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.firstMoments = firstMoments;
        this.secondMoments = secondMoments;
        this.updates = updates;
        this.manager = NDManager.newBaseManager(firstMoments.device());
        float[] mask = new float[Math.toIntExact(firstMoments.flat().size())];
        int offset = 0;
        for (ParameterSpec spec : firstMoments.specs()) {
            int size = Math.toIntExact(spec.size());
            java.util.Arrays.fill(mask, offset, offset + size, spec.decays() ? 1f : 0f);
            offset += size;
        }
        this.decayMask = manager.create(mask);
    }

    /** Applies one update from {@code flatGradient}, the gradients of all tensors in layout order. */
    public void step(ParameterSet params, NDArray flatGradient, double learningRate) {
        updates++;
        double biasCorrection1 = 1 - Math.pow(beta1, updates);
        double sqrtBiasCorrection2 = Math.sqrt(1 - Math.pow(beta2, updates));
        double stepSize = learningRate / biasCorrection1;
        NDArray p = params.flat();
        NDArray g = flatGradient;
        NDArray m = firstMoments.flat();
        NDArray v = secondMoments.flat();
        if (weightDecay > 0) {
            p.muli(decayMask.mul(-learningRate * weightDecay).addi(1.0));
        }
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.square().muli(1 - beta2));
        NDArray denominator = v.sqrt().divi(sqrtBiasCorrection2).addi(epsilon);
        p.subi(m.div(denominator).muli(stepSize));
        params.markModified();
    }

    public long updates() {
        return updates;
    }

    public ParameterSet firstMoments() {
        return firstMoments;
    }

    public ParameterSet secondMoments() {
        return secondMoments;
    }

    @Override
    public void close() {
        firstMoments.close();
        secondMoments.close();
        manager.close();
    }
}
