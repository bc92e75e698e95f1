package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedPair;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The token-level pair path (LD-DPO, WPO) scores pairs as 2B rows from the logits. With ldAlpha = 1 and no weighting
 * it must compute the same sequence log-probs, hence the same steps, as the default shared-prompt path.
 */
class TokenLevelPairsTest {

    private static double[][] train(TrainingConfig config, List<List<TokenizedPair>> data) {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
            double[][] out = new double[3][data.size()];
            for (int i = 0; i < data.size(); i++) {
                StepResult r = trainer.stepPairs(data.get(i));
                out[0][i] = r.loss();
                out[1][i] = r.gradNorm();
                out[2][i] = r.metrics().get("logps/chosen");
            }
            return out;
        }
    }

    @Test
    void ldAlphaOneIsTheDefaultPathAndLowerAlphaShrinksTheTail() {
        List<List<TokenizedPair>> data = List.of(TinyData.pairs(50, 4), TinyData.pairs(51, 4), TinyData.pairs(52, 4));
        TrainingConfig base = TinyData.dpo().microBatchShards(1).build();
        double[][] plain = train(base, data);
        double[][] ldOne = train(base.toBuilder().ldAlpha(1.0).build(), data);
        for (int i = 0; i < data.size(); i++) {
            assertThat(ldOne[0][i]).as("loss of step %d", i).isCloseTo(plain[0][i], Offset.offset(1e-5));
            assertThat(ldOne[1][i]).as("gradient norm of step %d", i)
                    .isCloseTo(plain[1][i], Offset.offset(1e-5 * plain[1][i]));
        }
        // alpha 0 drops every tail token from lp: the summed log-probs (negative) get larger.
        double[][] ldZero = train(base.toBuilder().ldAlpha(0.0).build(), data);
        assertThat(ldZero[2][0]).isGreaterThan(plain[2][0] + 1e-3);
        // WPO scales each pair's loss by weights that are not 1 on a real distribution.
        double[][] wpo = train(base.toBuilder().useWeighting(true).build(), data);
        assertThat(Math.abs(wpo[0][0] - plain[0][0])).isGreaterThan(1e-4);
    }
}
