package dev.tralign.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.LossSemantics;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run written before loss semantics existed (sigmoid with label smoothing, no semantics in its header) trains
 * conservative DPO, resumes as conservative DPO, and continues bit for bit as if never stopped.
 */
class LossSemanticsResumeTest {

    @TempDir
    Path dir;

    @Test
    void anOldConservativeDpoRunTrainsResumesAndContinuesWithItsMeaning() {
        TrainingConfig old = TinyData.dpo().labelSmoothing(0.2).lossSemantics(null).build();
        TrainingConfig cdpo = TinyData.dpo().lossType(LossType.CDPO).labelSmoothing(0.2).build();
        double oldLoss;
        double cdpoLoss;
        double sigmoidLoss;
        try (AlignmentTrainer a = AlignmentTrainer.create(TinyData.SHAPE, old);
                AlignmentTrainer b = AlignmentTrainer.create(TinyData.SHAPE, cdpo);
                AlignmentTrainer c = AlignmentTrainer.create(TinyData.SHAPE, TinyData.dpo().build())) {
            // The first step starts at h = 0, where every smoothing gives ln 2; the second tells them apart.
            for (AlignmentTrainer t : new AlignmentTrainer[] {a, b, c}) {
                t.stepPairs(TinyData.pairs(60, 4));
            }
            oldLoss = a.stepPairs(TinyData.pairs(61, 4)).loss();
            cdpoLoss = b.stepPairs(TinyData.pairs(61, 4)).loss();
            sigmoidLoss = c.stepPairs(TinyData.pairs(61, 4)).loss();
        }
        assertThat(oldLoss).isEqualTo(cdpoLoss).isNotEqualTo(sigmoidLoss);

        String straight;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, old)) {
            for (int s = 0; s < 4; s++) {
                trainer.stepPairs(TinyData.pairs(70 + s, 4));
            }
            straight = trainer.policy().digest();
        }
        SavedCheckpoint saved;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(TinyData.SHAPE, old)) {
            for (int s = 0; s < 2; s++) {
                trainer.stepPairs(TinyData.pairs(70 + s, 4));
            }
            saved = trainer.saveCheckpoint(dir.resolve("old.ckpt"));
        }
        try (AlignmentTrainer resumed = AlignmentTrainer.resume(saved.path())) {
            assertThat(resumed.config().lossSemantics()).isNull();
            assertThat(resumed.config().semantics()).isEqualTo(LossSemantics.LEGACY);
            for (int s = 2; s < 4; s++) {
                resumed.stepPairs(TinyData.pairs(70 + s, 4));
            }
            assertThat(resumed.policy().digest()).isEqualTo(straight);
        }
    }
}
