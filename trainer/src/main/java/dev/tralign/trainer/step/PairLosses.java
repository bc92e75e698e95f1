package dev.tralign.trainer.step;

import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.loss.HingeLoss;
import dev.tralign.trainer.loss.IpoLoss;
import dev.tralign.trainer.loss.KtoPairLoss;
import dev.tralign.trainer.loss.LabelSmoothingLoss;
import dev.tralign.trainer.loss.PairLoss;
import dev.tralign.trainer.loss.SigmoidLoss;

/** Picks the paired loss a config names (the one place that maps lossType to a class). */
final class PairLosses {

    private PairLosses() {
    }

    static PairLoss of(TrainingConfig c) {
        return switch (c.lossType()) {
            case SIGMOID -> c.labelSmoothing() > 0 ? new LabelSmoothingLoss(c.beta(), c.labelSmoothing())
                    : new SigmoidLoss(c.beta());
            case IPO -> new IpoLoss(c.beta(), c.ipoNormalizeLength());
            case HINGE -> new HingeLoss(c.beta());
            case KTO_PAIR -> new KtoPairLoss(c.beta());
            default -> throw new IllegalArgumentException("lossType=" + c.lossType().trlName() + " is not paired");
        };
    }
}
