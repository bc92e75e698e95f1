package dev.tralign.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.checkpoint.ParameterTensors;
import dev.tralign.trainer.data.TokenIds;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.CausalLm;
import dev.tralign.trainer.model.IncrementalDecoding;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.SequenceBatch;
import dev.tralign.trainer.model.SequenceCollator;
import dev.tralign.trainer.model.SplitMix64;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** {@link Policy} over a {@link CausalLm} and a parameter set (owned when loaded, borrowed from a trainer). */
final class GptPolicy implements Policy {

    private static final int MAX_ROWS_PER_FORWARD = 64;
    private final CausalLm model;
    private final ParameterSet params;
    private final boolean owned;
    private final SequenceCollator collator;

    GptPolicy(CausalLm model, ParameterSet params, boolean owned) {
        this.model = model;
        this.params = params;
        this.owned = owned;
        this.collator = new SequenceCollator(model.config().maxSeqLen(), 0);
    }

    static GptPolicy load(Path checkpoint, String deviceName, String group) {
        CheckpointFile.Contents contents = CheckpointFile.read(checkpoint, Set.of(group));
        ModelConfig config = contents.header().model();
        Device device = Device.fromName(deviceName);
        CausalLm model = TrainerState.modelFor(contents.header(), device);
        try {
            ParameterSet params = ParameterTensors.toParameterSet(group, contents.group(group),
                    TrainerState.layoutOf(model, group), config, device);
            return new GptPolicy(model, params, true);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public ModelConfig config() {
        return model.config();
    }

    @Override
    public double[] completionLogProbs(List<TokenizedExample> examples) {
        double[] out = new double[examples.size()];
        forEachChunk(examples, (start, batch, tokenLogProbs) -> {
            for (int r = 0; r < batch.rows(); r++) {
                double sum = 0;
                for (int t = 0; t < batch.width(); t++) {
                    int i = r * batch.width() + t;
                    if (batch.completionMask()[i] != 0) {
                        sum += tokenLogProbs[i];
                    }
                }
                out[start + r] = sum;
            }
        });
        return out;
    }

    @Override
    public double[][] tokenLogProbs(List<TokenizedExample> examples) {
        double[][] out = new double[examples.size()][];
        forEachChunk(examples, (start, batch, tokenLogProbs) -> {
            for (int r = 0; r < batch.rows(); r++) {
                double[] row = new double[batch.completionLengths()[r]];
                int k = 0;
                for (int t = 0; t < batch.width(); t++) {
                    int i = r * batch.width() + t;
                    if (batch.completionMask()[i] != 0) {
                        row[k++] = tokenLogProbs[i];
                    }
                }
                out[start + r] = row;
            }
        });
        return out;
    }

    @Override
    public double[] meanTokenEntropy(List<TokenizedExample> examples) {
        double[] out = new double[examples.size()];
        forEachChunk(examples, ScoreKind.ENTROPY, (start, batch, entropies) -> {
            for (int r = 0; r < batch.rows(); r++) {
                double sum = 0;
                for (int t = 0; t < batch.width(); t++) {
                    int i = r * batch.width() + t;
                    if (batch.completionMask()[i] != 0) {
                        sum += entropies[i];
                    }
                }
                out[start + r] = batch.completionLengths()[r] == 0 ? 0 : sum / batch.completionLengths()[r];
            }
        });
        return out;
    }

    /** What a chunked forward returns per position. */
    private enum ScoreKind { LOG_PROB, ENTROPY }

    private interface ChunkConsumer {
        void accept(int start, SequenceBatch batch, float[] tokenLogProbs);
    }

    private void forEachChunk(List<TokenizedExample> examples, ChunkConsumer consumer) {
        forEachChunk(examples, ScoreKind.LOG_PROB, consumer);
    }

    private void forEachChunk(List<TokenizedExample> examples, ScoreKind kind, ChunkConsumer consumer) {
        TokenIds.requireExamples(examples, model.config().vocabSize());
        for (int start = 0; start < examples.size(); start += MAX_ROWS_PER_FORWARD) {
            List<TokenizedExample> chunk = examples.subList(start, Math.min(examples.size(),
                    start + MAX_ROWS_PER_FORWARD));
            SequenceBatch batch = collator.collate(chunk.stream().map(TokenizedExample::prompt).toList(),
                    chunk.stream().map(TokenizedExample::completion).toList());
            float[] tokenLogProbs = Autograd.withGrad(false, () -> {
                try (NDManager step = model.newStepManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray[] arrays = model.toArrays(batch, step);
                    if (kind == ScoreKind.ENTROPY) {
                        NDArray logProbs = model.logits(params, arrays[0]).logSoftmax(2);
                        return logProbs.exp().mul(logProbs).sum(new int[] {2}).neg().toFloatArray();
                    }
                    return model.tokenLogProbs(params, arrays[0], arrays[1]).toFloatArray();
                }
            });
            consumer.accept(start, batch, tokenLogProbs);
        }
    }

    @Override
    public int[][] sample(List<int[]> prompts, SamplingConfig cfg, long seed, int firstRow) {
        TokenIds.requirePrompts(prompts, model.config().vocabSize());
        if (firstRow < 0) {
            throw new IllegalArgumentException("firstRow must be >= 0, got " + firstRow);
        }
        int[][] out = new int[prompts.size()][];
        for (int start = 0; start < prompts.size(); start += MAX_ROWS_PER_FORWARD) {
            int end = Math.min(prompts.size(), start + MAX_ROWS_PER_FORWARD);
            int[][] chunk = sampleChunk(prompts.subList(start, end), firstRow + start, cfg, seed);
            System.arraycopy(chunk, 0, out, start, chunk.length);
        }
        return out;
    }

    /**
     * Incremental decoding with a key/value cache: one prefill of the prompts, then one single-token forward per
     * new token. Row {@code firstRow + r} draws from its own generator, so chunking does not change results.
     */
    private int[][] sampleChunk(List<int[]> prompts, int firstRow, SamplingConfig cfg, long seed) {
        int maxLen = model.config().maxSeqLen();
        int vocab = model.config().vocabSize();
        int rows = prompts.size();
        int[] promptLengths = new int[rows];
        int width = 1;
        SplitMix64[] randoms = new SplitMix64[rows];
        int[][] kept = new int[rows][];
        for (int r = 0; r < rows; r++) {
            int[] p = prompts.get(r);
            if (p.length == 0) {
                throw new IllegalArgumentException("prompt " + (firstRow + r) + " is empty: sampling needs at least "
                        + "one token (e.g. BOS)");
            }
            int keep = Math.min(p.length, maxLen - 1);
            kept[r] = Arrays.copyOfRange(p, p.length - keep, p.length);
            promptLengths[r] = keep;
            width = Math.max(width, keep);
            randoms[r] = new SplitMix64(new SplitMix64(seed ^ (0x9e3779b97f4a7c15L * (firstRow + r + 1))).nextLong());
        }
        long[] ids = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < kept[r].length; t++) {
                ids[r * width + t] = kept[r][t];
            }
        }
        int finalWidth = width;
        List<List<Integer>> generated = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            generated.add(new ArrayList<>());
        }
        if (!(model instanceof IncrementalDecoding decoder)) {
            return sampleWithoutCache(kept, cfg, randoms);
        }
        Autograd.withGrad(false, () -> {
            float[][] logits = new float[1][];
            try (IncrementalDecoding.Session cache = decoder.prefill(params, ids, promptLengths, finalWidth,
                    logits)) {
                boolean[] done = new boolean[rows];
                int[] last = new int[rows];
                for (int s = 0; s < cfg.maxNewTokens(); s++) {
                    if (s > 0) {
                        logits[0] = cache.next(last);
                    }
                    boolean any = false;
                    for (int r = 0; r < rows; r++) {
                        if (done[r] || promptLengths[r] + s >= maxLen) {
                            done[r] = true;
                            continue;
                        }
                        int token = TokenSampler.choose(logits[0], r * vocab, vocab, cfg, randoms[r]);
                        generated.get(r).add(token);
                        last[r] = token;
                        done[r] = token == cfg.eosId();
                        any |= !done[r];
                    }
                    if (!any) {
                        break;
                    }
                }
            }
            return null;
        });
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = generated.get(r).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /** For models without a key/value cache: re-runs the whole sequence for every new token. */
    private int[][] sampleWithoutCache(int[][] prompts, SamplingConfig cfg, SplitMix64[] randoms) {
        int maxLen = model.config().maxSeqLen();
        int vocab = model.config().vocabSize();
        int rows = prompts.length;
        int[][] sequences = prompts.clone();
        boolean[] done = new boolean[rows];
        for (int generated = 0; generated < cfg.maxNewTokens(); generated++) {
            List<Integer> active = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                if (!done[r] && sequences[r].length < maxLen) {
                    active.add(r);
                }
            }
            if (active.isEmpty()) {
                break;
            }
            int width = active.stream().mapToInt(r -> sequences[r].length).max().orElseThrow();
            long[] ids = new long[active.size() * width];
            long[] last = new long[active.size() * vocab];
            for (int a = 0; a < active.size(); a++) {
                int[] seq = sequences[active.get(a)];
                for (int t = 0; t < seq.length; t++) {
                    ids[a * width + t] = seq[t];
                }
                Arrays.fill(last, a * vocab, (a + 1) * vocab, seq.length - 1);
            }
            float[] logits = Autograd.withGrad(false, () -> {
                try (NDManager step = model.newStepManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray idArray = step.create(ids, new ai.djl.ndarray.types.Shape(active.size(), width));
                    NDArray index = step.create(last, new ai.djl.ndarray.types.Shape(active.size(), 1, vocab));
                    return model.logits(params, idArray).gather(index, 1).toFloatArray();
                }
            });
            for (int a = 0; a < active.size(); a++) {
                int r = active.get(a);
                int token = TokenSampler.choose(logits, a * vocab, vocab, cfg, randoms[r]);
                int[] grown = Arrays.copyOf(sequences[r], sequences[r].length + 1);
                grown[grown.length - 1] = token;
                sequences[r] = grown;
                done[r] = token == cfg.eosId();
            }
        }
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(sequences[r], prompts[r].length, sequences[r].length);
        }
        return out;
    }

    @Override
    public String digest() {
        return params.sha256();
    }

    @Override
    public void close() {
        if (owned) {
            params.close();
            model.close();
        }
    }
}
