package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/** A paired preference loss: a pure function of per-sequence log-probs. */
public interface PairLoss {

    LossOutput compute(PairLogProbs logProbs);

    /** beta * log-ratios, detached: the implicit rewards every paired loss reports. */
    static LossOutput withRewards(double beta, PairLogProbs in, NDArray losses) {
        return new LossOutput(losses, Scalars.times(in.chosenLogRatios(), beta).stopGradient(),
                Scalars.times(in.rejectedLogRatios(), beta).stopGradient());
    }
}
