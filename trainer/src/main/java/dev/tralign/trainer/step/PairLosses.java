package dev.tralign.trainer.step;

import dev.tralign.trainer.config.LossSemantics;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.loss.AotLoss;
import dev.tralign.trainer.loss.ApoLoss;
import dev.tralign.trainer.loss.BcoPairLoss;
import dev.tralign.trainer.loss.ChosenNllLoss;
import dev.tralign.trainer.loss.DiscoPopLoss;
import dev.tralign.trainer.loss.ExoPairLoss;
import dev.tralign.trainer.loss.FDivergence;
import dev.tralign.trainer.loss.HingeLoss;
import dev.tralign.trainer.loss.IpoLoss;
import dev.tralign.trainer.loss.KtoPairLoss;
import dev.tralign.trainer.loss.LabelSmoothingLoss;
import dev.tralign.trainer.loss.LegacyIpoLoss;
import dev.tralign.trainer.loss.NcaPairLoss;
import dev.tralign.trainer.loss.PairLoss;
import dev.tralign.trainer.loss.RobustLoss;
import dev.tralign.trainer.loss.SigmoidLoss;
import dev.tralign.trainer.loss.SigmoidNormLoss;
import dev.tralign.trainer.loss.SppoHardLoss;
import dev.tralign.trainer.loss.WeightedSumLoss;
import java.util.List;

/** Picks the paired loss a config names (the one place that maps loss types to classes). */
final class PairLosses {

    private PairLosses() {
    }

    /** The config's loss: its only loss type with weight 1 as is, else their weighted sum (TRL's combination). */
    static PairLoss of(TrainingConfig c) {
        List<PairLoss> parts = c.lossTypes().stream().map(t -> one(t, c)).toList();
        double[] weights = c.weights();
        if (parts.size() == 1 && weights[0] == 1.0) {
            return parts.get(0);
        }
        return new WeightedSumLoss(parts, weights);
    }

    private static PairLoss one(LossType type, TrainingConfig c) {
        double beta = c.beta();
        double eps = c.labelSmoothing();
        FDivergence f = FDivergence.of(FDivergence.Kind.valueOf(c.fDivergenceType().name()),
                c.fAlphaDivergenceCoef());
        boolean legacy = c.semantics() == LossSemantics.LEGACY;
        return switch (type) {
            case SIGMOID -> legacy && eps > 0 ? new LabelSmoothingLoss(beta, eps) : new SigmoidLoss(beta, f);
            case IPO -> legacy ? new LegacyIpoLoss(beta, c.ipoNormalizeLength()) : new IpoLoss(beta, f);
            case HINGE -> new HingeLoss(beta, f);
            case EXO_PAIR -> new ExoPairLoss(beta, eps, f);
            case NCA_PAIR -> new NcaPairLoss(beta, f);
            case ROBUST -> new RobustLoss(beta, eps, f);
            case BCO_PAIR -> new BcoPairLoss(beta, f);
            case SPPO_HARD -> new SppoHardLoss(beta, f);
            case AOT -> new AotLoss(beta, eps, true);
            case AOT_UNPAIRED -> new AotLoss(beta, eps, false);
            case APO_ZERO -> new ApoLoss(beta, false, f);
            case APO_DOWN -> new ApoLoss(beta, true, f);
            case DISCOPOP -> new DiscoPopLoss(beta, c.discopopTau(), f);
            case SFT -> new ChosenNllLoss(beta);
            case SIGMOID_NORM -> new SigmoidNormLoss(beta, f);
            case CDPO -> new LabelSmoothingLoss(beta, eps);
            case IPO_PER_TOKEN -> new LegacyIpoLoss(beta, true);
            case IPO_SUMMED -> new LegacyIpoLoss(beta, false);
            case KTO_PAIR -> new KtoPairLoss(beta);
            case KTO, APO_ZERO_UNPAIRED -> throw new IllegalArgumentException("lossType=" + type.trlName()
                    + " trains on unpaired feedback, not pairs");
        };
    }
}
