package dev.tralign.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.Arrays;

/**
 * The causal decoder as a pure function of a {@link ParameterSet} and token ids, written with DJL's functional
 * ops (DJL has no causal decoder block). Pre-LN blocks:
 * {@code x += proj(attn(ln1(x)))}, {@code x += out(gelu(fc(ln2(x))))}; then {@code head(ln(x))}.
 * Every forward is an "extension": a chunk of tokens attending to optional cached keys/values of a prefix and
 * causally to itself. A plain forward has no prefix; the pair forward runs the shared prompt once and extends it
 * with chosen and rejected; sampling extends a key/value cache one token at a time.
 * The same instance serves the policy and the reference and may be used from several threads at once.
 */
public final class GptModel implements CausalLm, SharedPromptPairs, IncrementalDecoding {

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

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public java.util.List<ParameterSpec> layout() {
        return ParameterLayout.of(config);
    }

    @Override
    public boolean readsWeightsOnlyFromParameterSet() {
        return true;
    }

    @Override
    public void enableGradients(ParameterSet p) {
        p.setRequiresGradient(true);
    }

    /** The parameters are the autograd leaves: concatenates their gradients. */
    @Override
    public NDArray flatGradient(ParameterSet p) {
        NDList gradients = new NDList(p.tensors().size());
        p.tensors().values().forEach(t -> gradients.add(t.getGradient().reshape(-1)));
        return NDArrays.concat(gradients);
    }

    @Override
    public void zeroGradients(ParameterSet p) {
        p.tensors().values().forEach(Autograd::zeroGradient);
    }

    public Device device() {
        return manager.getDevice();
    }

    @Override
    public NDManager newStepManager() {
        return manager.newSubManager();
    }

    /** Hidden states of a chunk and the keys/values it attended to (prefix + own), per layer [N, H, S + W, d]. */
    private record Chunk(NDArray hidden, NDArray[] keys, NDArray[] values) {
    }

    /**
     * Runs embedded inputs {@code x} [N, W, E] through every block. Queries attend to {@code prefixKeys/Values}
     * (per layer [N, H, S, d], or null) followed by the chunk's own keys, under the additive {@code mask}
     * (broadcastable to [N, H, W, S + W]).
     */
    private Chunk extend(ParameterSet p, NDArray x, NDArray[] prefixKeys, NDArray[] prefixValues, NDArray mask,
            long n, long w) {
        NDArray[] keys = new NDArray[config.layers()];
        NDArray[] values = new NDArray[config.layers()];
        for (int i = 0; i < config.layers(); i++) {
            String prefix = "blocks." + i + ".";
            NDArray[] qkv = projections(p, prefix, x, n, w);
            NDArray k = prefixKeys == null ? qkv[1] : NDArrays.concat(new NDList(prefixKeys[i], qkv[1]), 2);
            NDArray v = prefixValues == null ? qkv[2] : NDArrays.concat(new NDList(prefixValues[i], qkv[2]), 2);
            keys[i] = k;
            values[i] = v;
            x = x.add(linear(attend(qkv[0], k, v, mask, n, w), p, prefix + "proj"));
            x = mlp(p, prefix, x);
        }
        return new Chunk(x, keys, values);
    }

    /** q (pre-scaled by 1/sqrt(d)), k, v as [N, H, W, d]. */
    private NDArray[] projections(ParameterSet p, String prefix, NDArray x, long n, long w) {
        int heads = config.heads();
        int d = config.headDim();
        var parts = linear(layerNorm(x, p, prefix + "ln1"), p, prefix + "qkv").split(3, 2);
        // Scale q instead of the [N,H,W,S] scores: same math, fewer multiplications.
        NDArray q = Scalars.times(parts.get(0), 1.0 / Math.sqrt(d)).reshape(n, w, heads, d).transpose(0, 2, 1, 3);
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

    private NDArray head(ParameterSet p, NDArray hidden) {
        return linear(layerNorm(hidden, p, "ln"), p, "head");
    }

    /** Token embeddings plus the positions 0..W-1. */
    private NDArray embedFromStart(ParameterSet p, NDArray ids, long w) {
        return Embedding.embedding(ids, p.get("tok.weight"), SparseFormat.DENSE).singletonOrThrow()
                .add(p.get("pos.weight").get(new NDIndex("0:{}", w)));
    }

    /** Token embeddings plus explicit per-token positions (same shape as ids). */
    private NDArray embedAt(ParameterSet p, NDArray ids, NDArray positions) {
        return Embedding.embedding(ids, p.get("tok.weight"), SparseFormat.DENSE).singletonOrThrow()
                .add(Embedding.embedding(positions, p.get("pos.weight"), SparseFormat.DENSE).singletonOrThrow());
    }

    private NDArray causal(long w) {
        return causalMask.get(new NDIndex("0:{}, 0:{}", w, w));
    }

    @Override
    public NDArray logits(ParameterSet p, NDArray ids) {
        long n = ids.getShape().get(0);
        long w = ids.getShape().get(1);
        if (w > config.maxSeqLen()) {
            throw new IllegalArgumentException("sequence of " + w + " positions exceeds maxSeqLen " + config.maxSeqLen());
        }
        return head(p, extend(p, embedFromStart(p, ids, w), null, null, causal(w), n, w).hidden());
    }

    /**
     * Summed completion log-probs of B pairs [2B] (chosen rows, then rejected; with {@code withLogitSums} also their
     * summed mean logits, {@link RowScores}), computing each shared prompt once:
     * the prompt chunk runs alone; the completion chunk extends it, attending to its prompt's keys and values
     * (shared by chosen and rejected) and causally to itself. Same result as {@link #sequenceLogProbs} on
     * prompt+completion rows, with about a quarter fewer token positions when prompt and completions are equally
     * long.
     */
    @Override
    public RowScores pairScores(ParameterSet p, PairBatch b, NDManager m, boolean withLogitSums) {
        long pairs = b.pairs();
        long rows = 2 * pairs;
        long pw = b.promptWidth();
        long w = b.completionWidth();
        Chunk prompt = extend(p, embedFromStart(p, m.create(b.promptIds(), new Shape(pairs, pw)), pw), null, null,
                causal(pw), pairs, pw);
        NDArray[] keys = new NDArray[config.layers()];
        NDArray[] values = new NDArray[config.layers()];
        for (int i = 0; i < config.layers(); i++) {
            keys[i] = NDArrays.concat(new NDList(prompt.keys()[i], prompt.keys()[i]), 0);
            values[i] = NDArrays.concat(new NDList(prompt.values()[i], prompt.values()[i]), 0);
        }
        NDArray xc = embedAt(p, m.create(b.completionIds(), new Shape(rows, w)),
                m.create(b.completionPositions(), new Shape(rows, w)));
        Chunk completion = extend(p, xc, keys, values, m.create(b.attentionMask(), new Shape(rows, 1, w, pw + w)),
                rows, w);

        return PairBatchScores.of(b, prompt.hidden(), completion.hidden(), x -> head(p, x), m, withLogitSums);
    }

    /**
     * Key/value cache for incremental decoding of a batch of prompts. Close it to free the cached arrays.
     * Not thread-safe; call with grad mode off.
     */
    public final class DecodeCache implements IncrementalDecoding.Session {

        private final ParameterSet params;
        private final NDManager m;
        private final int rows;
        private final int promptWidth;
        private final int[] promptLengths;
        private NDArray[] keys;
        private NDArray[] values;
        private int generated;

        private DecodeCache(ParameterSet params, int rows, int promptWidth, int[] promptLengths) {
            this.params = params;
            this.m = manager.newSubManager();
            this.rows = rows;
            this.promptWidth = promptWidth;
            this.promptLengths = promptLengths;
        }

        /** Logits [rows * V] for the token that follows {@code tokens} (one per row, appended to the cache). */
        public float[] next(int[] tokens) {
            long[] ids = new long[rows];
            for (int r = 0; r < rows; r++) {
                ids[r] = tokens[r];
            }
            long[] positions = DecodeStep.positions(promptLengths, generated, config.maxSeqLen());
            int keysSoFar = promptWidth + generated;
            float[] mask = DecodeStep.paddingMask(promptLengths, promptWidth, keysSoFar);
            generated++;
            // The scope also frees results that land in the parameters' or the model's manager.
            try (NDManager step = m.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = embedAt(params, step.create(ids, new Shape(rows, 1)),
                        step.create(positions, new Shape(rows, 1)));
                Chunk chunk = extend(params, x, keys, values,
                        step.create(mask, new Shape(rows, 1, 1, keysSoFar + 1)), rows, 1);
                float[] logits = head(params, chunk.hidden()).toFloatArray();
                append(chunk);
                return logits;
            }
        }

        /** The chunk's keys already include the prefix: they replace the cache, the old arrays are freed. */
        private void append(Chunk chunk) {
            for (int i = 0; i < keys.length; i++) {
                keys[i].close();
                values[i].close();
                keys[i] = keep(chunk.keys()[i]);
                values[i] = keep(chunk.values()[i]);
            }
        }

        private NDArray keep(NDArray a) {
            a.attach(m);
            NDScope.unregister(a);
            return a;
        }

        @Override
        public void close() {
            m.close();
        }
    }

    /**
     * Runs the prompts (right padded to {@code promptWidth}, real lengths {@code promptLengths}) and returns a cache
     * plus, in {@code firstLogits}, the logits [rows * V] of the first new token of each row.
     */
    @Override
    public DecodeCache prefill(ParameterSet p, long[] promptIds, int[] promptLengths, int promptWidth,
            float[][] firstLogits) {
        int rows = promptLengths.length;
        DecodeCache cache = new DecodeCache(p, rows, promptWidth, promptLengths);
        try (NDManager step = cache.m.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray ids = step.create(promptIds, new Shape(rows, promptWidth));
            Chunk chunk = extend(p, embedFromStart(p, ids, promptWidth), null, null, causal(promptWidth), rows,
                    promptWidth);
            long[] last = new long[rows];
            for (int r = 0; r < rows; r++) {
                last[r] = promptLengths[r] - 1;
            }
            firstLogits[0] = head(p, PairBatchScores.gatherPositions(chunk.hidden(), last, step)).toFloatArray();
            cache.keys = Arrays.stream(chunk.keys()).map(cache::keep).toArray(NDArray[]::new);
            cache.values = Arrays.stream(chunk.values()).map(cache::keep).toArray(NDArray[]::new);
            return cache;
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
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
