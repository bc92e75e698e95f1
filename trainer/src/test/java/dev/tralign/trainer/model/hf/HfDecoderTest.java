package dev.tralign.trainer.model.hf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.PairBatch;
import dev.tralign.trainer.model.PairCollator;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.SequenceBatch;
import dev.tralign.trainer.model.SequenceCollator;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder's fast paths agree with its plain forward, and training reaches every parameter. */
class HfDecoderTest {

    private static final List<int[]> PROMPTS = List.of(new int[] {5, 9, 200, 17}, new int[] {44, 3});
    private static final List<int[]> CHOSEN = List.of(new int[] {8, 100, 7}, new int[] {300, 301, 302, 303, 9});
    private static final List<int[]> REJECTED = List.of(new int[] {60}, new int[] {12, 13});

    @ParameterizedTest
    @ValueSource(strings = {"gpt-neox", "llama-gqa", "qwen2", "gpt2"})
    void sharedPromptPairsScoreLikeWholeSequences(String name) {
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(HfTiny.model(name), 0, Device.cpu())) {
            HfDecoder model = loaded.model();
            PairBatch pairs = new PairCollator(model.config().maxSeqLen()).collate(PROMPTS, CHOSEN, REJECTED);
            List<int[]> prompts = new ArrayList<>(PROMPTS);
            prompts.addAll(PROMPTS);
            List<int[]> completions = new ArrayList<>(CHOSEN);
            completions.addAll(REJECTED);
            SequenceBatch rows = new SequenceCollator(model.config().maxSeqLen(), 0).collate(prompts, completions);
            float[][] both = Autograd.withGrad(false, () -> {
                try (NDManager m = model.newStepManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    return new float[][] {model.pairLogProbs(loaded.parameters(), pairs, m).toFloatArray(),
                        model.sequenceLogProbs(loaded.parameters(), rows, m).toFloatArray()};
                }
            });
            assertThat(both[0]).hasSize(4);
            for (int i = 0; i < 4; i++) {
                assertThat(both[0][i]).as(name + " row " + i).isCloseTo(both[1][i], Offset.offset(2e-4f));
                assertThat(both[0][i]).isNegative();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-neox", "llama-gqa", "qwen2", "gpt2"})
    void batchedCachedDecodingMatchesOnePromptAtATime(String name) {
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(HfTiny.model(name), 0, Device.cpu())) {
            HfDecoder model = loaded.model();
            int vocab = model.config().vocabSize();
            // Two prompts of different lengths, right padded: the short one's padding keys must stay hidden and its
            // positions continue from its own length.
            long[] ids = {5, 9, 200, 17, 44, 3, 0, 0};
            int[] lengths = {4, 2};
            int[][] greedy = new int[2][6];
            Autograd.withGrad(false, () -> {
                float[][] logits = new float[1][];
                try (HfDecoder.DecodeCache cache = model.prefill(loaded.parameters(), ids, lengths, 4, logits)) {
                    for (int s = 0; s < 6; s++) {
                        if (s > 0) {
                            logits[0] = cache.next(new int[] {greedy[0][s - 1], greedy[1][s - 1]});
                        }
                        for (int r = 0; r < 2; r++) {
                            int best = 0;
                            for (int j = 1; j < vocab; j++) {
                                best = logits[0][r * vocab + j] > logits[0][r * vocab + best] ? j : best;
                            }
                            greedy[r][s] = best;
                        }
                    }
                }
                return null;
            });
            assertThat(greedy[0]).containsExactly(HfGeneration.greedy(model, loaded.parameters(),
                    new int[] {5, 9, 200, 17}, 6, -1));
            assertThat(greedy[1]).containsExactly(HfGeneration.greedy(model, loaded.parameters(), new int[] {44, 3},
                    6, -1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-neox", "llama-gqa", "qwen2", "gpt2"})
    void backwardReachesEveryParameter(String name) {
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(HfTiny.model(name), 0, Device.cpu())) {
            HfDecoder model = loaded.model();
            model.enableGradients(loaded.parameters());
            PairBatch pairs = new PairCollator(model.config().maxSeqLen()).collate(PROMPTS, CHOSEN, REJECTED);
            try (NDManager m = model.newStepManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Autograd.withGrad(true, () -> {
                    Autograd.backward(model.pairLogProbs(loaded.parameters(), pairs, m).sum());
                    return null;
                });
                for (ParameterSpec spec : model.layout()) {
                    NDArray gradient = loaded.parameters().get(spec.name()).getGradient();
                    assertThat(gradient.abs().sum().getFloat()).as(name + " " + spec.name()).isPositive();
                }
                assertThat(model.flatGradient(loaded.parameters()).size())
                        .isEqualTo(loaded.info().parameterCount());
            }
        }
    }
}
