package dev.tralign.trainer.step;

import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.loss.KtoLoss;
import java.util.List;

/** Picks the step of the objective a config trains (the one place that maps lossType to a step). */
public final class Objectives {

    private Objectives() {
    }

    /** The step for {@code config.lossType()}: pairs for paired losses, feedback for KTO, examples for SFT. */
    public static ObjectiveStep stepFor(StepEngine engine) {
        TrainingConfig c = engine.config();
        if (c.lossType().isPaired()) {
            return new PairStep(engine, PairLosses.of(c));
        }
        return switch (c.lossType()) {
            case KTO -> new FeedbackStep(engine, new KtoLoss(c.beta(), c.desirableWeight(), c.undesirableWeight()));
            case APO_ZERO_UNPAIRED -> new FeedbackStep(engine,
                    new KtoLoss(c.beta(), c.desirableWeight(), c.undesirableWeight(), true));
            case SFT -> new SftStep(engine);
            default -> throw new IllegalArgumentException("lossType=" + c.lossType().trlName() + " has no step");
        };
    }

    /** The batch kind a loss type trains on, as the convenience method that feeds it is named. */
    static String batchKindOf(LossType lossType) {
        if (lossType.isPaired()) {
            return "pairs (Batch.pairs, stepPairs)";
        }
        return lossType.isUnpairedFeedback() ? "unpaired feedback (Batch.feedback, stepFeedback)"
                : "SFT examples (Batch.examples, stepSft)";
    }

    static IllegalArgumentException wrongBatch(TrainingConfig config, Batch batch) {
        String given = batch instanceof Batch.Pairs ? "pairs"
                : batch instanceof Batch.Feedback ? "unpaired feedback" : "SFT examples";
        return new IllegalArgumentException("this trainer has lossType=" + config.lossType().trlName()
                + ", which trains on " + batchKindOf(config.lossType()) + ", but was given " + given
                + ": feed it that kind of batch, or build a trainer whose lossType trains on " + given);
    }

    static void requireNonEmpty(List<?> batch, String name) {
        if (batch == null || batch.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
