package dev.tralign.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * The causal decoder as a pure function of a {@link ParameterSet} and token ids, written with DJL's functional
 * ops (DJL has no causal decoder block). Pre-LN blocks:
 * {@code x += proj(attn(ln1(x)))}, {@code x += out(gelu(fc(ln2(x))))}; then {@code head(ln(x))}.
 * The same instance serves the policy and the reference (they differ only in the parameter set passed in),
 * and may be used from several threads at once.
 */
public final class GptModel implements AutoCloseable {

    private static final float LAYER_NORM_EPS = 1e-5f;
    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray causalMask;

    public GptModel(ModelConfig config, Device device) {
        this.config = config;
        this.manager = NDManager.newBaseManager(device);
        int t = config.maxSeqLen();
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        this.causalMask = manager.create(mask, new Shape(t, t));
    }

    public ModelConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** A manager for one step's arrays; close it (and an NDScope) when the step ends. */
    public NDManager newStepManager() {
        return manager.newSubManager();
    }

    /** Next-token logits [N, W, V] for input ids [N, W] (int64). */
    public NDArray logits(ParameterSet p, NDArray ids) {
        long n = ids.getShape().get(0);
        long w = ids.getShape().get(1);
        if (w > config.maxSeqLen()) {
            throw new IllegalArgumentException("sequence of " + w + " positions exceeds maxSeqLen " + config.maxSeqLen());
        }
        NDArray x = Embedding.embedding(ids, p.get("tok.weight"), SparseFormat.DENSE).singletonOrThrow()
                .add(p.get("pos.weight").get(new NDIndex("0:{}", w)));
        NDArray mask = causalMask.get(new NDIndex("0:{}, 0:{}", w, w));
        for (int i = 0; i < config.layers(); i++) {
            x = block(p, "blocks." + i + ".", x, mask, n, w);
        }
        NDArray h = layerNorm(x, p, "ln");
        return linear(h, p, "head");
    }

    private NDArray block(ParameterSet p, String prefix, NDArray x, NDArray mask, long n, long w) {
        NDArray[] qkv = projections(p, prefix, x, n, w);
        x = x.add(linear(attend(qkv[0], qkv[1], qkv[2], mask, n, w), p, prefix + "proj"));
        return mlp(p, prefix, x);
    }

    /** q (pre-scaled by 1/sqrt(d)), k, v as [N, H, W, d]. */
    private NDArray[] projections(ParameterSet p, String prefix, NDArray x, long n, long w) {
        int heads = config.heads();
        int d = config.headDim();
        var parts = linear(layerNorm(x, p, prefix + "ln1"), p, prefix + "qkv").split(3, 2);
        // Scale q instead of the [N,H,W,W] scores: same math, W/d times fewer multiplications.
        NDArray q = parts.get(0).mul(1.0 / Math.sqrt(d)).reshape(n, w, heads, d).transpose(0, 2, 1, 3);
        NDArray k = parts.get(1).reshape(n, w, heads, d).transpose(0, 2, 1, 3);
        NDArray v = parts.get(2).reshape(n, w, heads, d).transpose(0, 2, 1, 3);
        return new NDArray[] {q, k, v};
    }

    /** softmax(q k^T + mask) v, heads merged back: [N, W, E]. */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, long n, long w) {
        NDArray attention = q.matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(-1);
        return attention.matMul(v).transpose(0, 2, 1, 3).reshape(n, w, config.embedDim());
    }

    private NDArray mlp(ParameterSet p, String prefix, NDArray x) {
        NDArray hidden = Activation.gelu(linear(layerNorm(x, p, prefix + "ln2"), p, prefix + "fc"));
        return x.add(linear(hidden, p, prefix + "out"));
    }

    /**
     * Summed completion log-probs of B pairs [2B] (chosen rows, then rejected), computing each shared prompt once:
     * the prompt block runs as usual; the completion block attends to its prompt's keys and values (shared by
     * chosen and rejected) and to itself causally. Same result as {@link #sequenceLogProbs} on prompt+completion
     * rows, with about a quarter fewer token-positions when prompt and completions are equally long.
     */
    public NDArray pairLogProbs(ParameterSet p, PairBatch b, NDManager m) {
        long pairs = b.pairs();
        long rows = 2 * pairs;
        long pw = b.promptWidth();
        long w = b.completionWidth();
        int e = config.embedDim();
        NDArray tok = p.get("tok.weight");
        NDArray pos = p.get("pos.weight");
        NDArray promptIds = m.create(b.promptIds(), new Shape(pairs, pw));
        NDArray xp = Embedding.embedding(promptIds, tok, SparseFormat.DENSE).singletonOrThrow()
                .add(pos.get(new NDIndex("0:{}", pw)));
        NDArray xc = Embedding.embedding(m.create(b.completionIds(), new Shape(rows, w)), tok, SparseFormat.DENSE)
                .singletonOrThrow().add(Embedding.embedding(m.create(b.completionPositions(), new Shape(rows, w)),
                        pos, SparseFormat.DENSE).singletonOrThrow());
        NDArray promptMask = causalMask.get(new NDIndex("0:{}, 0:{}", pw, pw));
        NDArray completionMask = m.create(b.attentionMask(), new Shape(rows, 1, w, pw + w));
        for (int i = 0; i < config.layers(); i++) {
            String prefix = "blocks." + i + ".";
            NDArray[] prompt = projections(p, prefix, xp, pairs, pw);
            NDArray[] completion = projections(p, prefix, xc, rows, w);
            NDArray k = NDArrays.concat(new NDList(NDArrays.concat(new NDList(prompt[1], prompt[1]), 0),
                    completion[1]), 2);
            NDArray v = NDArrays.concat(new NDList(NDArrays.concat(new NDList(prompt[2], prompt[2]), 0),
                    completion[2]), 2);
            NDArray yp = attend(prompt[0], prompt[1], prompt[2], promptMask, pairs, pw);
            NDArray yc = attend(completion[0], k, v, completionMask, rows, w);
            xp = mlp(p, prefix, xp.add(linear(yp, p, prefix + "proj")));
            xc = mlp(p, prefix, xc.add(linear(yc, p, prefix + "proj")));
        }
        long[] lastIndex = new long[Math.toIntExact(pairs * e)];
        for (int i = 0; i < pairs; i++) {
            java.util.Arrays.fill(lastIndex, i * e, (i + 1) * e, b.promptLast()[i]);
        }
        NDArray last = xp.gather(m.create(lastIndex, new Shape(pairs, 1, e)), 1);
        NDArray firstLogProbs = linear(layerNorm(last, p, "ln"), p, "head").logSoftmax(2).squeeze(1)
                .gather(m.create(b.firstTargets(), new Shape(pairs, 2)), 1)
                .mul(m.create(b.firstMask(), new Shape(pairs, 2)));
        NDArray first = firstLogProbs.transpose(1, 0).reshape(rows);
        NDArray rest = linear(layerNorm(xc, p, "ln"), p, "head").logSoftmax(2)
                .gather(m.create(b.completionTargets(), new Shape(rows, w)).expandDims(2), 2).squeeze(2)
                .mul(m.create(b.completionMask(), new Shape(rows, w))).sum(new int[] {1});
        return first.add(rest);
    }

    /** log p(target_t | ids_{<=t}) for every position: [N, W]. */
    public NDArray tokenLogProbs(ParameterSet p, NDArray ids, NDArray targets) {
        NDArray logProbs = logits(p, ids).logSoftmax(2);
        return logProbs.gather(targets.expandDims(2), 2).squeeze(2);
    }

    /** Sum of completion-token log-probs per row: [N]. */
    public NDArray sequenceLogProbs(ParameterSet p, SequenceBatch batch, NDManager stepManager) {
        NDArray[] arrays = toArrays(batch, stepManager);
        return tokenLogProbs(p, arrays[0], arrays[1]).mul(arrays[2]).sum(new int[] {1});
    }

    /** The batch as [ids, targets, mask] arrays in {@code stepManager}. */
    public NDArray[] toArrays(SequenceBatch batch, NDManager stepManager) {
        Shape shape = new Shape(batch.rows(), batch.width());
        return new NDArray[] {
            stepManager.create(batch.inputIds(), shape),
            stepManager.create(batch.targetIds(), shape),
            stepManager.create(batch.completionMask(), shape)
        };
    }

    private static NDArray linear(NDArray x, ParameterSet p, String name) {
        return Linear.linear(x, p.get(name + ".weight"), p.get(name + ".bias")).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, ParameterSet p, String name) {
        return LayerNorm.layerNorm(x, new Shape(config.embedDim()), p.get(name + ".weight"), p.get(name + ".bias"),
                LAYER_NORM_EPS).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
