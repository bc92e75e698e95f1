package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * The chosen and rejected scores of a batch under an f-divergence ({@link FDivergence}), and what the losses build
 * from them. Under reverse KL the scores are the log-ratios and {@link #delta()} is {@link PairLogProbs#margin()},
 * computed with the same operations.
 *
 * @param chosen s(lp_theta(y_w) - lp_ref(y_w)) [B]
 * @param rejected s(lp_theta(y_l) - lp_ref(y_l)) [B]
 */
record PairScores(NDArray chosen, NDArray rejected) {

    static PairScores of(PairLogProbs in, FDivergence f) {
        return new PairScores(f.score(in.chosenLogRatios()), f.score(in.rejectedLogRatios()));
    }

    /** delta = s_w - s_l. */
    NDArray delta() {
        return chosen.sub(rejected);
    }

    /**
     * Length-averaged delta, {@code s_w / |y_w| - s_l / |y_l|} with lengths clamped at 1 (a completion with no scored
     * token has log-prob 0). Under reverse KL each log-prob is divided before subtracting,
     * {@code (lp_theta(y)/|y| - lp_ref(y)/|y|)}, which is TRL's {@code (lp_theta(y) - lp_ref(y))/|y|} up to rounding and
     * gives the bits of the IPO of earlier builds.
     */
    static NDArray perTokenDelta(PairLogProbs in, FDivergence f) {
        NDArray chosenLen = Scalars.atLeast(in.chosenLengths(), 1);
        NDArray rejectedLen = Scalars.atLeast(in.rejectedLengths(), 1);
        if (f.identity()) {
            NDArray chosen = in.policyChosen().div(chosenLen).sub(in.referenceChosen().div(chosenLen));
            NDArray rejected = in.policyRejected().div(rejectedLen).sub(in.referenceRejected().div(rejectedLen));
            return chosen.sub(rejected);
        }
        PairScores s = of(in, f);
        return s.chosen().div(chosenLen).sub(s.rejected().div(rejectedLen));
    }
}
