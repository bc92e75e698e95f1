package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/** A paired preference loss: a pure function of per-sequence log-probs. */
public interface PairLoss {

    LossOutput compute(PairLogProbs logProbs);

    /**
     * True when each pair's loss depends on that pair alone, so the batch loss (their mean) can be computed in
     * parts and summed (the trainer then splits micro-batches over two threads). False for losses with a
     * batch-level term.
     */
    default boolean perPair() {
        return true;
    }

    /** beta * log-ratios, detached: the implicit rewards every paired loss reports. */
    static LossOutput withRewards(double beta, PairLogProbs in, NDArray losses) {
        return new LossOutput(losses, Scalars.times(in.chosenLogRatios(), beta).stopGradient(),
                Scalars.times(in.rejectedLogRatios(), beta).stopGradient());
    }
}
