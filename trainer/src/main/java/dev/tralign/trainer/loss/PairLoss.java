package dev.tralign.trainer.loss;

/** A paired preference loss: a pure function of per-sequence log-probs. */
public interface PairLoss {

    LossOutput compute(PairLogProbs logProbs);

    /** beta * log-ratios, detached: the implicit rewards every paired loss reports. */
    static LossOutput withRewards(double beta, PairLogProbs in, ai.djl.ndarray.NDArray losses) {
        return new LossOutput(losses, in.chosenLogRatios().mul(beta).stopGradient(),
                in.rejectedLogRatios().mul(beta).stopGradient());
    }
}
