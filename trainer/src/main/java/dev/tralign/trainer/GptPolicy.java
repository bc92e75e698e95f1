package dev.tralign.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import dev.tralign.trainer.checkpoint.ParameterTensors;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.GptModel;
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

/** {@link Policy} over a {@link GptModel} and a parameter set (owned when loaded, borrowed from a trainer). */
final class GptPolicy implements Policy {

    private static final int MAX_ROWS_PER_FORWARD = 64;
    private final GptModel model;
    private final ParameterSet params;
    private final boolean owned;
    private final SequenceCollator collator;

    GptPolicy(GptModel model, ParameterSet params, boolean owned) {
        this.model = model;
        this.params = params;
        this.owned = owned;
        this.collator = new SequenceCollator(model.config().maxSeqLen(), 0);
    }

    static GptPolicy load(Path checkpoint) {
        CheckpointFile.Contents contents = CheckpointFile.read(checkpoint, Set.of("policy"));
        ModelConfig config = contents.header().model();
        Device device = Device.fromName(contents.header().training().device());
        GptModel model = new GptModel(config, device);
        try {
            ParameterSet params = ParameterTensors.toParameterSet("policy", contents.group("policy"), config, device);
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

    private interface ChunkConsumer {
        void accept(int start, SequenceBatch batch, float[] tokenLogProbs);
    }

    private void forEachChunk(List<TokenizedExample> examples, ChunkConsumer consumer) {
        for (int start = 0; start < examples.size(); start += MAX_ROWS_PER_FORWARD) {
            List<TokenizedExample> chunk = examples.subList(start, Math.min(examples.size(),
                    start + MAX_ROWS_PER_FORWARD));
            SequenceBatch batch = collator.collate(chunk.stream().map(TokenizedExample::prompt).toList(),
                    chunk.stream().map(TokenizedExample::completion).toList());
            float[] tokenLogProbs = Autograd.withGrad(false, () -> {
                try (NDManager step = model.newStepManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray[] arrays = model.toArrays(batch, step);
                    return model.tokenLogProbs(params, arrays[0], arrays[1]).toFloatArray();
                }
            });
            consumer.accept(start, batch, tokenLogProbs);
        }
    }

    @Override
    public int[][] sample(List<int[]> prompts, SamplingConfig cfg, long seed) {
        int maxLen = model.config().maxSeqLen();
        int vocab = model.config().vocabSize();
        int rows = prompts.size();
        int[][] sequences = new int[rows][];
        int[] promptLengths = new int[rows];
        boolean[] done = new boolean[rows];
        SplitMix64[] randoms = new SplitMix64[rows];
        for (int r = 0; r < rows; r++) {
            int[] p = prompts.get(r);
            if (p.length == 0) {
                throw new IllegalArgumentException("prompt " + r + " is empty: sampling needs at least one token "
                        + "(e.g. BOS)");
            }
            int keep = Math.min(p.length, maxLen - 1);
            sequences[r] = Arrays.copyOfRange(p, p.length - keep, p.length);
            promptLengths[r] = keep;
            randoms[r] = new SplitMix64(new SplitMix64(seed ^ (0x9e3779b97f4a7c15L * (r + 1))).nextLong());
        }
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
            float[] lastLogits = lastPositionLogits(active, sequences);
            for (int a = 0; a < active.size(); a++) {
                int r = active.get(a);
                int token = TokenSampler.choose(lastLogits, a * vocab, vocab, cfg, randoms[r]);
                int[] grown = Arrays.copyOf(sequences[r], sequences[r].length + 1);
                grown[grown.length - 1] = token;
                sequences[r] = grown;
                done[r] = token == cfg.eosId();
            }
        }
        int[][] completions = new int[rows][];
        for (int r = 0; r < rows; r++) {
            completions[r] = Arrays.copyOfRange(sequences[r], promptLengths[r], sequences[r].length);
        }
        return completions;
    }

    /** Logits at each active row's last position, concatenated [A * V]. */
    private float[] lastPositionLogits(List<Integer> active, int[][] sequences) {
        int vocab = model.config().vocabSize();
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
        return Autograd.withGrad(false, () -> {
            try (NDManager step = model.newStepManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray idArray = step.create(ids, new Shape(active.size(), width));
                NDArray index = step.create(last, new Shape(active.size(), 1, vocab));
                return model.logits(params, idArray).gather(index, 1).toFloatArray();
            }
        });
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
