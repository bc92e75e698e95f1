package dev.tralign.trainer.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * AdamW (Loshchilov and Hutter 2019) with PyTorch's update order, its state held as NDArrays this class owns so a
 * checkpoint can store and restore it exactly (DJL's Adam keeps its state private):
 * <pre>
 *   p  &lt;- p * (1 - lr * wd * decay)           (decoupled decay; decay = 0 for biases and LayerNorm weights)
 *   m  &lt;- b1 * m + (1 - b1) * g
 *   v  &lt;- b2 * v + (1 - b2) * g^2
 *   p  &lt;- p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * Works on the flat parameter, gradient and moment buffers in ONE pass: on CPU the loop runs in Java directly on
 * the tensors' memory (each element read and written once, instead of about ten libtorch passes over the whole
 * model); float32 arithmetic in exactly the order above, one rounding per operation like the libtorch ops it
 * replaces, so the result does not depend on vector width or thread count. Other devices use the libtorch ops.
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
        if (fusedOnCpu(p, g, m, v, learningRate, stepSize, sqrtBiasCorrection2)) {
            params.markModified();
            return;
        }
        if (weightDecay > 0) {
            p.muli(decayMask.mul(-learningRate * weightDecay).addi(1.0));
        }
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.square().muli(1 - beta2));
        NDArray denominator = v.sqrt().divi(sqrtBiasCorrection2).addi(epsilon);
        p.subi(m.div(denominator).muli(stepSize));
        params.markModified();
    }

    /**
     * The update as one loop over direct views of the four CPU buffers; false (nothing done) when a buffer is not
     * a contiguous CPU float32 tensor that libtorch lets us view.
     */
    private boolean fusedOnCpu(NDArray p, NDArray g, NDArray m, NDArray v, double learningRate, double stepSize,
            double sqrtBiasCorrection2) {
        FloatBuffer pb = view(p);
        FloatBuffer gb = view(g);
        FloatBuffer mb = view(m);
        FloatBuffer vb = view(v);
        FloatBuffer db = view(decayMask);
        if (pb == null || gb == null || mb == null || vb == null || db == null) {
            return false;
        }
        int n = pb.capacity();
        if (gb.capacity() != n || mb.capacity() != n || vb.capacity() != n || db.capacity() != n) {
            throw new IllegalArgumentException("gradient has " + gb.capacity() + " values, parameters " + n);
        }
        // The same float32 constants the libtorch ops received.
        float b1 = (float) beta1;
        float oneMinusB1 = (float) (1 - beta1);
        float b2 = (float) beta2;
        float oneMinusB2 = (float) (1 - beta2);
        float bc2 = (float) sqrtBiasCorrection2;
        float eps = (float) epsilon;
        float step = (float) stepSize;
        float decay = (float) (-learningRate * weightDecay);
        boolean decays = weightDecay > 0;
        for (int i = 0; i < n; i++) {
            float gi = gb.get(i);
            float pi = pb.get(i);
            if (decays) {
                pi = pi * (db.get(i) * decay + 1f);
            }
            float mi = mb.get(i) * b1 + gi * oneMinusB1;
            float vi = vb.get(i) * b2 + gi * gi * oneMinusB2;
            mb.put(i, mi);
            vb.put(i, vi);
            pb.put(i, pi - mi / ((float) Math.sqrt(vi) / bc2 + eps) * step);
        }
        return true;
    }

    /**
     * A float view of a CPU tensor's own memory, or null. Only for the 1-D buffers this class gets (flat parameters,
     * moments, gradient, mask), contiguous by construction: DJL would hand out a COPY of a non-contiguous tensor.
     */
    private static FloatBuffer view(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32 || !Device.cpu().equals(a.getDevice())
                || a.getShape().dimension() != 1) {
            return null;
        }
        ByteBuffer bytes = a.toByteBuffer(true);
        if (!bytes.isDirect()) {
            return null;
        }
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
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
