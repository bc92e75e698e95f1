package dev.tralign.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A model that scores preference pairs computing each shared prompt once (chosen and rejected attend to the same
 * prompt keys and values): about a quarter fewer token positions than scoring prompt+completion rows when prompt
 * and completions are equally long.
 */
public interface SharedPromptPairs {

    /** Summed completion log-probs of the batch's B pairs, [2B]: chosen rows, then rejected rows. */
    default NDArray pairLogProbs(ParameterSet p, PairBatch batch, NDManager stepManager) {
        return pairScores(p, batch, stepManager, false).logProbs();
    }

    /**
     * The same log-probs and, with {@code withLogitSums}, each row's summed mean logit ({@link RowScores}); the
     * log-probs are computed by the same operations either way.
     */
    RowScores pairScores(ParameterSet p, PairBatch batch, NDManager stepManager, boolean withLogitSums);
}
