package dev.tralign.trainer.model.hf;

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
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.CausalLm;
import dev.tralign.trainer.model.DecodeStep;
import dev.tralign.trainer.model.IncrementalDecoding;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.PairBatchScores;
import dev.tralign.trainer.model.PairBatch;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.RowScores;
import dev.tralign.trainer.model.Scalars;
import dev.tralign.trainer.model.SharedPromptPairs;
import java.util.Arrays;
import java.util.List;

/**
 * The one native decoder for every {@link Architecture}: a pure function of a {@link ParameterSet} (laid out by
 * {@link DecoderLayout}) and token ids, whose differences between architectures are the data of its
 * {@link DecoderSpec}. Like the built-in GPT, every forward is an "extension": a chunk of tokens at given positions
 * attending to the cached keys/values of a prefix and causally to itself. A plain forward has no prefix; the pair
 * forward runs the shared prompt once and extends it with chosen and rejected; decoding extends a key/value cache
 * one token at a time. Keys are cached after rotary, at the kv-head count (grouped-query heads are expanded only
 * inside attention). Thread-safe: it holds no per-call state.
 */
public final class HfDecoder implements CausalLm, SharedPromptPairs, IncrementalDecoding {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private final DecoderSpec spec;
    private final ModelConfig config;
    private final List<ParameterSpec> layout;
    private final NDManager manager;
    private final NDArray causalMask;
    /** [T, r]: cos of each position's angles, twice (rotate-half pairs (i, i + r/2) share an angle). */
    private final NDArray cos;
    /** [T, r]: -sin then +sin, so that rotate_half(x) * sin is cat(x2, x1) * this. */
    private final NDArray signedSin;

    /**
     * @param spec the architecture's data
     * @param maxSeqLen the longest sequence this instance runs (at most {@code spec.maxPositions()})
     */
    public HfDecoder(DecoderSpec spec, int maxSeqLen, Device device) {
        if (maxSeqLen < 2 || maxSeqLen > spec.maxPositions()) {
            throw new IllegalArgumentException("sequence length " + maxSeqLen + " must be in [2, "
                    + spec.maxPositions() + "] (the model's max_position_embeddings)");
        }
        Autograd.ensureEngine();
        this.spec = spec;
        // ModelConfig's heads only serves to report a shape; when head_dim * heads != hidden it cannot hold the
        // real count, which the spec keeps.
        int reportedHeads = spec.hidden() % spec.heads() == 0 ? spec.heads() : 1;
        this.config = new ModelConfig(spec.vocabSize(), spec.hidden(), spec.layers(), reportedHeads, maxSeqLen);
        this.layout = DecoderLayout.of(spec);
        this.manager = NDManager.newBaseManager(device);
        int t = maxSeqLen;
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            Arrays.fill(mask, i * t + i + 1, (i + 1) * t, Float.NEGATIVE_INFINITY);
        }
        this.causalMask = manager.create(mask, new Shape(t, t));
        if (spec.rotaryDims() > 0) {
            int r = spec.rotaryDims();
            float[] inv = spec.rope().inverseFrequencies(r);
            float[] c = new float[t * r];
            float[] s = new float[t * r];
            for (int pos = 0; pos < t; pos++) {
                for (int i = 0; i < r / 2; i++) {
                    // float32 product and float32 cos/sin of it, as transformers builds its tables.
                    float angle = (float) pos * inv[i];
                    float cv = (float) Math.cos(angle);
                    float sv = (float) Math.sin(angle);
                    c[pos * r + i] = cv;
                    c[pos * r + i + r / 2] = cv;
                    s[pos * r + i] = -sv;
                    s[pos * r + i + r / 2] = sv;
                }
            }
            this.cos = manager.create(c, new Shape(t, r));
            this.signedSin = manager.create(s, new Shape(t, r));
        } else {
            this.cos = null;
            this.signedSin = null;
        }
    }

    public DecoderSpec spec() {
        return spec;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public List<ParameterSpec> layout() {
        return layout;
    }

    @Override
    public NDManager newStepManager() {
        return manager.newSubManager();
    }

    /** Weights are read only from the given set, so micro-batch shards over shared memory train this model. */
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

    // ---- the forward ----

    /** Positions of a chunk: rotary factors broadcastable to [N, W, heads, r] (null without rotary). */
    private record Rotation(NDArray cos, NDArray sin) {
    }

    /** Hidden states of a chunk and the keys/values it attended to (prefix + own), per layer [N, KV, S + W, d]. */
    private record Chunk(NDArray hidden, NDArray[] keys, NDArray[] values) {
    }

    private Rotation rotationFromStart(long w) {
        if (cos == null) {
            return null;
        }
        NDIndex rows = new NDIndex("0:{}", w);
        return new Rotation(cos.get(rows).reshape(1, w, 1, spec.rotaryDims()),
                signedSin.get(rows).reshape(1, w, 1, spec.rotaryDims()));
    }

    /** Rotary factors for explicit positions [N, W]. */
    private Rotation rotationAt(NDArray positions) {
        if (cos == null) {
            return null;
        }
        return new Rotation(lookup(positions, cos).expandDims(2), lookup(positions, signedSin).expandDims(2));
    }

    private static NDArray lookup(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray embedFromStart(DecoderWeights p, NDArray ids, long w) {
        NDArray x = lookup(ids, p.get("tok.weight"));
        return spec.learnedPositions() ? x.add(p.get("pos.weight").get(new NDIndex("0:{}", w))) : x;
    }

    private NDArray embedAt(DecoderWeights p, NDArray ids, NDArray positions) {
        NDArray x = lookup(ids, p.get("tok.weight"));
        return spec.learnedPositions() ? x.add(lookup(positions, p.get("pos.weight"))) : x;
    }

    /**
     * Runs embedded inputs {@code x} [N, W, E] through every block. Queries attend to {@code prefixKeys/Values}
     * (per layer [N, KV, S, d], or null) followed by the chunk's own keys, under the additive {@code mask}
     * (broadcastable to [N, H, W, S + W]).
     */
    private Chunk extend(DecoderWeights p, NDArray x, Rotation rotation, NDArray[] prefixKeys, NDArray[] prefixValues,
            NDArray mask, long n, long w) {
        return extend(p, x, rotation, prefixKeys, prefixValues, 1, mask, n, w);
    }

    /**
     * {@link #extend(DecoderWeights, NDArray, Rotation, NDArray[], NDArray[], NDArray, long, long)} with prefixes of
     * [N / copies, KV, S, d] shared by row r and rows r + N / copies, r + 2 N / copies, ... (the pair forward's chosen
     * and rejected rows share their prompt): the prefix is broadcast inside the one concatenation with the chunk's
     * own keys instead of being copied first.
     */
    private Chunk extend(DecoderWeights p, NDArray x, Rotation rotation, NDArray[] prefixKeys, NDArray[] prefixValues,
            int copies, NDArray mask, long n, long w) {
        NDArray[] keys = new NDArray[spec.layers()];
        NDArray[] values = new NDArray[spec.layers()];
        for (int i = 0; i < spec.layers(); i++) {
            String prefix = "blocks." + i + ".";
            NDArray[] qkv = projections(p, prefix, norm(x, p, prefix + "ln1"), rotation, n, w);
            NDArray k = prefixKeys == null ? qkv[1] : withPrefix(prefixKeys[i], qkv[1], copies);
            NDArray v = prefixValues == null ? qkv[2] : withPrefix(prefixValues[i], qkv[2], copies);
            keys[i] = k;
            values[i] = v;
            NDArray attention = p.linear(attend(qkv[0], k, v, mask, n, w), prefix + "proj", spec.outBias());
            if (spec.parallelResidual()) {
                // GPT-NeoX: x + attn(ln1(x)) + mlp(ln2(x)), both branches read the block's input.
                x = x.add(attention).add(mlp(p, prefix, norm(x, p, prefix + "ln2")));
            } else {
                x = x.add(attention);
                x = x.add(mlp(p, prefix, norm(x, p, prefix + "ln2")));
            }
        }
        return new Chunk(x, keys, values);
    }

    /** prefix [N / copies, KV, S, d] (repeated copies times along the rows) then own [N, KV, W, d], along S. */
    private static NDArray withPrefix(NDArray prefix, NDArray own, int copies) {
        if (copies == 1) {
            return NDArrays.concat(new NDList(prefix, own), 2);
        }
        long[] ps = prefix.getShape().getShape();
        long[] os = own.getShape().getShape();
        NDArray shared = prefix.expandDims(0).broadcast(new Shape(copies, ps[0], ps[1], ps[2], ps[3]));
        NDArray grouped = own.reshape(copies, ps[0], os[1], os[2], os[3]);
        return NDArrays.concat(new NDList(shared, grouped), 3).reshape(os[0], os[1], ps[2] + os[2], os[3]);
    }

    /**
     * q (rotated, pre-scaled) as [N, H, W, d]; k (rotated) and v as [N, KV, W, d]. The fused output is cut with
     * {@code split}, never with slices: a slice's backward fills a zero tensor of the whole input per slice (and
     * autograd adds them up), a split's backward is one concatenation. q and k are rotated together, in the
     * projection's own [N, W, H + KV, d] layout.
     */
    private NDArray[] projections(DecoderWeights p, String prefix, NDArray normed, Rotation rotation, long n, long w) {
        int d = spec.headDim();
        long qkWidth = (long) (spec.heads() + spec.kvHeads()) * d;
        NDList qkv = p.linear(normed, prefix + "qkv", spec.qkvBias()).split(new long[] {qkWidth}, 2);
        NDArray qk = qkv.get(0).reshape(n, w, spec.heads() + spec.kvHeads(), d);
        if (rotation != null) {
            qk = rotate(qk, rotation);
        }
        NDList split = qk.split(new long[] {spec.heads()}, 2);
        NDArray q = split.get(0).transpose(0, 2, 1, 3);
        NDArray k = split.get(1).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(1).reshape(n, w, spec.kvHeads(), d).transpose(0, 2, 1, 3);
        // Scale q instead of the [N, H, W, S] scores: same math, fewer multiplications.
        return new NDArray[] {Scalars.times(q, spec.attentionScale()), k, v};
    }

    /**
     * Rotary embedding on the first r dims of each head of x [N, W, heads, d]: x * cos + rotate_half(x) * sin; the
     * rest passes.
     */
    private NDArray rotate(NDArray x, Rotation rotation) {
        int r = spec.rotaryDims();
        int d = spec.headDim();
        NDList parts = r == d ? null : x.split(new long[] {r}, 3);
        NDArray rotated = r == d ? x : parts.get(0);
        NDList halves = rotated.split(new long[] {r / 2}, 3);
        NDArray swapped = NDArrays.concat(new NDList(halves.get(1), halves.get(0)), 3);
        NDArray out = rotated.mul(rotation.cos()).add(swapped.mul(rotation.sin()));
        return r == d ? out : NDArrays.concat(new NDList(out, parts.get(1)), 3);
    }

    /**
     * softmax(q k^T + mask) v with kv heads shared by groups of query heads; heads merged back: [N, W, H d]. With
     * groups, the G query heads of one kv head are stacked as G * W query rows against that head's keys ([N, KV,
     * G W, d]), so keys and values are never copied per query head.
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, long n, long w) {
        int g = spec.groups();
        long hd = (long) spec.heads() * spec.headDim();
        if (g == 1) {
            NDArray attention = q.matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(-1);
            return attention.matMul(v).transpose(0, 2, 1, 3).reshape(n, w, hd);
        }
        long kv = spec.kvHeads();
        long s = k.getShape().get(2);
        NDArray grouped = q.reshape(n, kv, g * w, spec.headDim());
        // mask: [W, S] or [N, 1, W, S] -> broadcastable to [N, KV, G, W, S]
        NDArray groupMask = mask.getShape().dimension() == 4 ? mask.expandDims(2) : mask;
        NDArray attention = grouped.matMul(k.transpose(0, 1, 3, 2)).reshape(n, kv, g, w, s).add(groupMask)
                .softmax(-1).reshape(n, kv, g * w, s);
        return attention.matMul(v).reshape(n, spec.heads(), w, spec.headDim()).transpose(0, 2, 1, 3)
                .reshape(n, w, hd);
    }

    private NDArray mlp(DecoderWeights p, String prefix, NDArray x) {
        NDArray h = p.linear(x, prefix + "fc", spec.mlpBias());
        NDArray activated = switch (spec.mlp()) {
            case GELU_EXACT -> Activation.gelu(h);
            case GELU_TANH -> geluTanh(h);
            case SWIGLU -> {
                // split, not slices: see projections
                NDList gateUp = h.split(new long[] {spec.intermediate()}, 2);
                NDArray gate = gateUp.get(0);
                yield gate.mul(Activation.sigmoid(gate)).mul(gateUp.get(1));
            }
        };
        return p.linear(activated, prefix + "out", spec.mlpBias());
    }

    /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), GPT-2's {@code gelu_new}. */
    private static NDArray geluTanh(NDArray x) {
        NDArray inner = Scalars.times(x.add(Scalars.times(x.mul(x).mul(x), 0.044715)), SQRT_2_OVER_PI);
        return Scalars.times(x, 0.5).mul(Scalars.plus(inner.tanh(), 1));
    }

    private NDArray norm(NDArray x, DecoderWeights p, String name) {
        if (spec.norm() == DecoderSpec.NormKind.LAYER_NORM) {
            return LayerNorm.layerNorm(x, new Shape(spec.hidden()), p.get(name + ".weight"), p.get(name + ".bias"),
                    (float) spec.normEps()).singletonOrThrow();
        }
        // RMSNorm: x / sqrt(mean(x^2) + eps) * weight.
        NDArray meanSquare = x.mul(x).mean(new int[] {-1}, true);
        return x.div(Scalars.plus(meanSquare, spec.normEps()).sqrt()).mul(p.get(name + ".weight"));
    }

    private NDArray head(DecoderWeights p, NDArray hidden) {
        NDArray normed = norm(hidden, p, "ln");
        return Linear.linear(normed, p.get(spec.tiedHead() ? "tok.weight" : "head.weight")).singletonOrThrow();
    }

    private NDArray causal(long w) {
        return causalMask.get(new NDIndex("0:{}, 0:{}", w, w));
    }

    private void checkWidth(long w) {
        if (w > config.maxSeqLen()) {
            throw new IllegalArgumentException("sequence of " + w + " positions exceeds maxSeqLen "
                    + config.maxSeqLen());
        }
    }

    /** Next-token logits [N, W, V]; rows are right padded (positions 0..W-1; padding is never attended to). */
    @Override
    public NDArray logits(ParameterSet p, NDArray ids) {
        return logits(DecoderWeights.of(p), ids);
    }

    /** {@link #logits(ParameterSet, NDArray)} over any weights (a base with adapters). */
    public NDArray logits(DecoderWeights p, NDArray ids) {
        long n = ids.getShape().get(0);
        long w = ids.getShape().get(1);
        checkWidth(w);
        return head(p, extend(p, embedFromStart(p, ids, w), rotationFromStart(w), null, null, causal(w), n, w)
                .hidden());
    }

    /**
     * Summed completion log-probs of B pairs [2B] (chosen rows, then rejected; with {@code withLogitSums} also their
     * summed mean logits, {@link RowScores}), computing each shared prompt once:
     * the prompt chunk runs alone; the completion chunk extends it at positions after each prompt, attending to its
     * prompt's keys and values (shared by chosen and rejected) and causally to itself. Same result as
     * {@link #sequenceLogProbs} on prompt+completion rows.
     */
    @Override
    public RowScores pairScores(ParameterSet p, PairBatch b, NDManager m, boolean withLogitSums) {
        return pairScores(DecoderWeights.of(p), b, m, withLogitSums);
    }

    /** {@link #pairScores(ParameterSet, PairBatch, NDManager, boolean)} over any weights (a base with adapters). */
    public RowScores pairScores(DecoderWeights p, PairBatch b, NDManager m, boolean withLogitSums) {
        long pairs = b.pairs();
        long rows = 2 * pairs;
        long pw = b.promptWidth();
        long w = b.completionWidth();
        // Each row's positions stay below maxSeqLen (the collator truncates per pair); only the two chunks' widths
        // are bounded, not their sum: the longest prompt and the longest completion may belong to different pairs.
        checkWidth(pw);
        checkWidth(w);
        Chunk prompt = extend(p, embedFromStart(p, m.create(b.promptIds(), new Shape(pairs, pw)), pw),
                rotationFromStart(pw), null, null, causal(pw), pairs, pw);
        NDArray positions = m.create(b.completionPositions(), new Shape(rows, w));
        NDArray xc = embedAt(p, m.create(b.completionIds(), new Shape(rows, w)), positions);
        // Chosen rows then rejected rows: row r and row r + pairs share prompt r's keys and values.
        Chunk completion = extend(p, xc, rotationAt(positions), prompt.keys(), prompt.values(), 2,
                m.create(b.attentionMask(), new Shape(rows, 1, w, pw + w)), rows, w);

        return PairBatchScores.of(b, prompt.hidden(), completion.hidden(), x -> head(p, x), m, withLogitSums);
    }

    /**
     * Key/value cache for incremental decoding of a batch of prompts. Close it to free the cached arrays.
     * Not thread-safe; call with grad mode off.
     */
    public final class DecodeCache implements IncrementalDecoding.Session {

        private final DecoderWeights params;
        private final NDManager m;
        private final int rows;
        private final int promptWidth;
        private final int[] promptLengths;
        private NDArray[] keys;
        private NDArray[] values;
        private int generated;

        private DecodeCache(DecoderWeights params, int rows, int promptWidth, int[] promptLengths) {
            this.params = params;
            this.m = manager.newSubManager();
            this.rows = rows;
            this.promptWidth = promptWidth;
            this.promptLengths = promptLengths;
        }

        @Override
        public float[] next(int[] tokens) {
            long[] ids = new long[rows];
            for (int r = 0; r < rows; r++) {
                ids[r] = tokens[r];
            }
            long[] positions = DecodeStep.positions(promptLengths, generated, config.maxSeqLen());
            int keysSoFar = promptWidth + generated;
            float[] mask = DecodeStep.paddingMask(promptLengths, promptWidth, keysSoFar);
            generated++;
            try (NDManager step = m.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray positionArray = step.create(positions, new Shape(rows, 1));
                NDArray x = embedAt(params, step.create(ids, new Shape(rows, 1)), positionArray);
                Chunk chunk = extend(params, x, rotationAt(positionArray), keys, values,
                        step.create(mask, new Shape(rows, 1, 1, keysSoFar + 1)), rows, 1);
                float[] logits = head(params, chunk.hidden()).toFloatArray();
                for (int i = 0; i < keys.length; i++) {
                    keys[i].close();
                    values[i].close();
                    keys[i] = keep(chunk.keys()[i]);
                    values[i] = keep(chunk.values()[i]);
                }
                return logits;
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
     * plus, in {@code firstLogits[0]}, the logits [rows * V] of the first new token of each row.
     */
    @Override
    public DecodeCache prefill(ParameterSet p, long[] promptIds, int[] promptLengths, int promptWidth,
            float[][] firstLogits) {
        return prefill(DecoderWeights.of(p), promptIds, promptLengths, promptWidth, firstLogits);
    }

    /** {@link #prefill(ParameterSet, long[], int[], int, float[][])} over any weights (a base with adapters). */
    public DecodeCache prefill(DecoderWeights p, long[] promptIds, int[] promptLengths, int promptWidth,
            float[][] firstLogits) {
        int rows = promptLengths.length;
        checkWidth(promptWidth);
        DecodeCache cache = new DecodeCache(p, rows, promptWidth, promptLengths);
        try (NDManager step = cache.m.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Chunk chunk = extend(p, embedFromStart(p, step.create(promptIds, new Shape(rows, promptWidth)),
                    promptWidth), rotationFromStart(promptWidth), null, null, causal(promptWidth), rows, promptWidth);
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

    @Override
    public void close() {
        manager.close();
    }
}
