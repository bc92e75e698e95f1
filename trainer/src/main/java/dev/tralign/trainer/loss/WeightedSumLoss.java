package dev.tralign.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.model.Scalars;
import java.util.List;

/**
 * Several paired losses combined as TRL combines a {@code loss_type} list: {@code L = sum_k w_k * mean_i l_k,i}
 * (loss_weights, default 1 each), e.g. MPO = sigmoid 0.8, bco_pair 0.2, sft 1.0 (Wang et al. 2024, "Enhancing the
 * Reasoning Ability of Multimodal LLMs via Mixed Preference Optimization", arXiv 2411.10442). Returned per pair as
 * {@code sum_k w_k * l_k,i}, which has the same mean. Per pair when every part is; the rewards are the first part's.
 */
public final class WeightedSumLoss implements PairLoss {

    private final List<PairLoss> parts;
    private final double[] weights;

    public WeightedSumLoss(List<PairLoss> parts, double[] weights) {
        if (parts.isEmpty() || parts.size() != weights.length) {
            throw new IllegalArgumentException("lossWeights must give one weight per loss type: " + parts.size()
                    + " losses, " + weights.length + " weights");
        }
        this.parts = List.copyOf(parts);
        this.weights = weights.clone();
    }

    @Override
    public boolean perPair() {
        return parts.stream().allMatch(PairLoss::perPair);
    }

    @Override
    public LossOutput compute(PairLogProbs in) {
        LossOutput first = parts.get(0).compute(in);
        NDArray sum = weighted(first.losses(), weights[0]);
        for (int k = 1; k < parts.size(); k++) {
            sum = sum.add(weighted(parts.get(k).compute(in).losses(), weights[k]));
        }
        return new LossOutput(sum, first.chosenRewards(), first.rejectedRewards());
    }

    private static NDArray weighted(NDArray losses, double weight) {
        return weight == 1.0 ? losses : Scalars.times(losses, weight);
    }
}
