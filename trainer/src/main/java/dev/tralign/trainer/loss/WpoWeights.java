package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;

/**
 * WPO's weights (Zhou et al. 2024, "WPO: Enhancing RLHF with Weighted Preference Optimization", arXiv 2406.11827,
 * eq. 2; TRL use_weighting), from the POLICY's token distributions, without gradient: for each completion,
 * {@code w(y) = exp(mean_t [log p(y_t) - log sum_v p(v)^2])}, the length-normalised probability of the completion
 * aligned by each position's sum of squared probabilities; each pair's loss is multiplied by {@code w(y_w) * w(y_l)}.
 * The log of the sum of squares is {@code log sum_v exp(2 * log p(v))}: finite since its largest term is at least
 * 1/V^2.
 */
public final class WpoWeights {

    private WpoWeights() {
    }

    /**
     * @param logProbs log-softmax of the policy's logits [N, W, V]
     * @param tokenLogProbs log p(target) [N, W]
     * @param mask 1 where a completion token is scored [N, W]
     * @return w(y) per row [N], detached
     */
    public static NDArray of(NDArray logProbs, NDArray tokenLogProbs, NDArray mask) {
        NDArray lp = logProbs.stopGradient();
        NDArray logDenominator = Scalars.times(lp, 2.0).exp().sum(new int[] {2}).log();
        NDArray aligned = tokenLogProbs.stopGradient().sub(logDenominator).mul(mask).sum(new int[] {1});
        NDArray lengths = Scalars.atLeast(mask.sum(new int[] {1}), 1);
        return aligned.div(lengths).exp().stopGradient();
    }

    /** The loss of each pair times {@code w(y_w) * w(y_l)}; {@code rowWeights} is [2B], chosen rows first. */
    public static LossOutput apply(LossOutput out, NDArray rowWeights) {
        long b = rowWeights.getShape().get(0) / 2;
        NDArray pairWeights = rowWeights.get("0:" + b).mul(rowWeights.get(b + ":"));
        return new LossOutput(out.losses().mul(pairWeights), out.chosenRewards(), out.rejectedRewards());
    }
}
