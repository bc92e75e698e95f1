package dev.tralign.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The shared-prompt pair forward must agree with scoring prompt+completion rows one by one. */
class PairLogProbsTest {

    private static final ModelConfig SHAPE = new ModelConfig(13, 16, 2, 4, 12);

    private static int[] tokens(SplitMix64 r, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (int) Math.floorMod(r.nextLong(), 13);
        }
        return t;
    }

    @Test
    void sharedPromptForwardEqualsTheRowByRowForward() {
        SplitMix64 r = new SplitMix64(4);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> chosen = new ArrayList<>();
        List<int[]> rejected = new ArrayList<>();
        // Uneven prompts (1-5), completions (0-6; an empty one scores 0), all fitting in 12 positions.
        int[][] lengths = {{1, 3, 6}, {5, 1, 2}, {3, 0, 4}, {2, 6, 1}};
        for (int[] l : lengths) {
            prompts.add(tokens(r, l[0]));
            chosen.add(tokens(r, l[1]));
            rejected.add(tokens(r, l[2]));
        }
        try (GptModel model = new GptModel(SHAPE, Device.cpu());
                ParameterSet params = ParameterSet.initialise(SHAPE, 9, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            PairBatch pairs = new PairCollator(SHAPE.maxSeqLen()).collate(prompts, chosen, rejected);
            float[] shared = model.pairLogProbs(params, pairs, m).toFloatArray();
            List<int[]> allPrompts = new ArrayList<>(prompts);
            allPrompts.addAll(prompts);
            List<int[]> allCompletions = new ArrayList<>(chosen);
            allCompletions.addAll(rejected);
            SequenceBatch rows = new SequenceCollator(SHAPE.maxSeqLen(), 0).collate(allPrompts, allCompletions);
            float[] plain = model.sequenceLogProbs(params, rows, m).toFloatArray();
            assertThat(shared).hasSize(8);
            for (int i = 0; i < 8; i++) {
                assertThat((double) shared[i]).as("row %d", i).isCloseTo(plain[i], Offset.offset(1e-5));
            }
            assertThat(shared[2]).isZero(); // pair 2's chosen completion is empty
            assertThat(pairs.completionLengths()).containsExactly(3, 1, 0, 6, 6, 2, 4, 1);
        }
    }

    /**
     * TRL's logits/chosen numerator: each row's sum over its scored completion tokens of the mean logit. Computed
     * here directly from the row-by-row logits (the position predicting completion token t is the one before it), it
     * must equal what both forwards report, and asking for it must not change a single bit of the log-probs.
     */
    @Test
    void logitSumsAreTheMeanLogitOfEachScoredTokenSummedPerRow() {
        SplitMix64 r = new SplitMix64(7);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> chosen = new ArrayList<>();
        List<int[]> rejected = new ArrayList<>();
        int[][] lengths = {{2, 3, 5}, {4, 0, 2}, {1, 6, 3}};
        for (int[] l : lengths) {
            prompts.add(tokens(r, l[0]));
            chosen.add(tokens(r, l[1]));
            rejected.add(tokens(r, l[2]));
        }
        List<int[]> allPrompts = new ArrayList<>(prompts);
        allPrompts.addAll(prompts);
        List<int[]> allCompletions = new ArrayList<>(chosen);
        allCompletions.addAll(rejected);
        try (GptModel model = new GptModel(SHAPE, Device.cpu());
                ParameterSet params = ParameterSet.initialise(SHAPE, 3, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            PairBatch pairs = new PairCollator(SHAPE.maxSeqLen()).collate(prompts, chosen, rejected);
            RowScores shared = model.pairScores(params, pairs, m, true);
            SequenceBatch rows = new SequenceCollator(SHAPE.maxSeqLen(), 0).collate(allPrompts, allCompletions);
            RowScores plain = model.sequenceScores(params, rows, m);

            float[] logits = model.logits(params, m.create(rows.inputIds(),
                    new ai.djl.ndarray.types.Shape(rows.rows(), rows.width()))).toFloatArray();
            int v = SHAPE.vocabSize();
            for (int row = 0; row < 6; row++) {
                double expected = 0;
                for (int t = 0; t < rows.width(); t++) {
                    if (rows.completionMask()[row * rows.width() + t] == 0) {
                        continue;
                    }
                    double sum = 0;
                    for (int k = 0; k < v; k++) {
                        sum += logits[(row * rows.width() + t) * v + k];
                    }
                    expected += sum / v;
                }
                assertThat((double) plain.logitSums().toFloatArray()[row]).as("sequence row %d", row)
                        .isCloseTo(expected, Offset.offset(1e-4));
                assertThat((double) shared.logitSums().toFloatArray()[row]).as("shared row %d", row)
                        .isCloseTo(expected, Offset.offset(1e-4));
            }
            assertThat(shared.logitSums().toFloatArray()[1]).isZero(); // pair 1's chosen completion is empty
            assertThat(shared.logProbs().toFloatArray())
                    .containsExactly(model.pairLogProbs(params, pairs, m).toFloatArray());
            assertThat(plain.logProbs().toFloatArray())
                    .containsExactly(model.sequenceLogProbs(params, rows, m).toFloatArray());
        }
    }

    @Test
    void emptyPromptIsRejected() {
        assertThatThrownBy(() -> new PairCollator(8).collate(List.of(new int[0]), List.of(new int[] {1}),
                List.of(new int[] {2}))).hasMessageContaining("empty prompt");
    }
}
