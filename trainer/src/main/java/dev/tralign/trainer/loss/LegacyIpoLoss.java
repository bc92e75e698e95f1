package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * IPO as tralign computed it before following TRL main (loss_types "ipo_per_token" and "ipo_summed"; "ipo" of runs
 * with legacy loss semantics): {@code loss = (h' - 1/(2*beta))^2} (Azar et al. 2023, arXiv 2310.12036).
 * With length normalisation every log-prob is divided by its completion's token count before forming {@code h'};
 * otherwise {@code h' = h} on summed log-probs. Unlike TRL's {@link IpoLoss}, the reported rewards use the same
 * (normalised or summed) log-ratios as the loss. With normalisation the loss equals {@link IpoLoss}'s under reverse
 * KL bit for bit; only the rewards differ.
 */
public final class LegacyIpoLoss implements PairLoss {

    private final double beta;
    private final boolean normalizeLength;

    public LegacyIpoLoss(double beta, boolean normalizeLength) {
        this.beta = beta;
        this.normalizeLength = normalizeLength;
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        PairLogProbs used = normalizeLength ? perToken(in) : in;
        NDArray losses = Scalars.minus(used.margin(), 1.0 / (2.0 * beta)).square();
        return PairLoss.withRewards(beta, used, losses);
    }

    private static PairLogProbs perToken(PairLogProbs in) {
        // A completion with no scored token has log-prob 0; dividing by 1 keeps it 0 instead of NaN.
        NDArray chosenLen = Scalars.atLeast(in.chosenLengths(), 1);
        NDArray rejectedLen = Scalars.atLeast(in.rejectedLengths(), 1);
        return new PairLogProbs(in.policyChosen().div(chosenLen), in.policyRejected().div(rejectedLen),
                in.referenceChosen().div(chosenLen), in.referenceRejected().div(rejectedLen),
                in.chosenLengths(), in.rejectedLengths());
    }
}
