package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every loss type (and TRL's combinations) trains through AlignmentTrainer under each trust-region mode: none (frozen
 * reference), soft (alpha 0.6 every step) and hard (alpha 1, every 2 steps, an exact copy).
 */
class EveryLossTrustRegionTest {

    private static final int STEPS = 4;

    private enum Mode { NONE, SOFT, HARD }

    private static List<TrainingConfig.Builder> losses() {
        List<TrainingConfig.Builder> out = new ArrayList<>();
        for (LossType type : LossType.values()) {
            double eps = switch (type) {
                case CDPO, ROBUST, EXO_PAIR, AOT, AOT_UNPAIRED -> 0.1;
                default -> 0;
            };
            out.add(TinyData.dpo().lossType(type).labelSmoothing(eps));
        }
        out.add(TinyData.dpo().lossType("sigmoid,bco_pair,sft").lossWeights(0.8, 0.2, 1.0));
        out.add(TinyData.dpo().lossType("sigmoid,sft"));
        out.add(TinyData.dpo().lossType("sigmoid,discopop").fDivergenceType("js_divergence"));
        out.add(TinyData.dpo().lossType("ipo").ldAlpha(0.5).useWeighting(true));
        return out;
    }

    @Test
    void everyLossTrainsWithEveryTrustRegionMode() {
        List<TokenizedPair> pairs = TinyData.pairs(21, 4);
        List<TokenizedFeedback> feedback = TinyData.feedback(22, 4, false);
        List<TokenizedExample> examples = pairs.stream()
                .map(p -> new TokenizedExample(p.id(), p.prompt(), p.chosen())).toList();
        int trained = 0;
        for (TrainingConfig.Builder loss : losses()) {
            for (Mode mode : Mode.values()) {
                TrainingConfig base = loss.build();
                if (base.lossType() == LossType.SFT && mode != Mode.NONE) {
                    continue;    // no reference to move (refused by the config)
                }
                TrainingConfig config = switch (mode) {
                    case NONE -> base;
                    case SOFT -> base.toBuilder().syncRefModel(true).refModelMixupAlpha(0.6).refModelSyncSteps(1)
                            .build();
                    case HARD -> base.toBuilder().syncRefModel(true).refModelMixupAlpha(1.0).refModelSyncSteps(2)
                            .build();
                };
                String name = config.lossTypes() + " " + mode;
                try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, config)) {
                    String initialReference = trainer.referenceDigest();
                    double[] losses = new double[STEPS];
                    for (int s = 0; s < STEPS; s++) {
                        StepResult r = config.lossType().isPaired() ? trainer.stepPairs(pairs)
                                : config.lossType() == LossType.SFT ? trainer.stepSft(examples)
                                : trainer.stepFeedback(feedback);
                        losses[s] = r.loss();
                        assertThat(r.loss()).as("%s: loss of step %d", name, s).isFinite();
                        assertThat(r.gradNorm()).as("%s: gradient norm of step %d", name, s).isFinite();
                        if (s == 0) {
                            // (Later steps may reach a zero gradient: hinge once every margin exceeds 1/beta.)
                            assertThat(r.gradNorm()).as("%s: first gradient", name).isPositive();
                        }
                        boolean due = mode == Mode.SOFT || mode == Mode.HARD && (s + 1) % 2 == 0;
                        assertThat(r.referenceUpdate().isPresent()).as("%s: update due after step %d", name, s + 1)
                                .isEqualTo(due);
                        if (mode == Mode.HARD && due) {
                            try (Policy policy = trainer.policy()) {
                                assertThat(trainer.referenceDigest()).as("%s: hard copy", name)
                                        .isEqualTo(policy.digest());
                            }
                        }
                    }
                    if (mode == Mode.NONE) {
                        assertThat(trainer.referenceDigest()).as(name).isEqualTo(initialReference);
                        assertThat(losses[STEPS - 1]).as("%s: the loss falls on a repeated batch", name)
                                .isLessThan(losses[0]);
                    } else {
                        assertThat(trainer.referenceDigest()).as(name).isNotEqualTo(initialReference);
                    }
                }
                trained++;
            }
        }
        assertThat(trained).isEqualTo(3 * (LossType.values().length + 4) - 2);
    }
}
