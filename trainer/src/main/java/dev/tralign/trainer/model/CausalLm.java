package dev.tralign.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A causal language model evaluated on a {@link ParameterSet}: the built-in {@link GptModel} or a user's TorchScript
 * export ({@link ScriptedLm}). The trainer and {@code Policy} only need next-token logits and the gradients of a
 * parameter set; the built-in model adds faster paths (shared-prompt pairs, cached decoding).
 */
public interface CausalLm extends AutoCloseable {

    /** Vocabulary and window; for a TorchScript model embedDim/layers are inferred and heads reported as 1. */
    ModelConfig config();

    /** The parameters this model reads, in checkpoint order. */
    List<ParameterSpec> layout();

    /** Next-token logits [N, W, V] for input ids [N, W] (int64), with gradients when this thread's grad mode is on. */
    NDArray logits(ParameterSet p, NDArray ids);

    /** A manager for one step's arrays; close it (and an NDScope) when the step ends. */
    NDManager newStepManager();

    /**
     * True when a forward reads the weights only through the parameter set it is given, so two sets of autograd
     * leaves over one memory ({@link ParameterSet#sharingMemory()}) train the same model: what micro-batch shards
     * need. False for a model that holds weights of its own (a TorchScript module).
     */
    default boolean readsWeightsOnlyFromParameterSet() {
        return false;
    }

    /** Makes {@code p} collect gradients (the policy). */
    void enableGradients(ParameterSet p);

    /** All gradients of {@code p} accumulated by backward, as one flat array in layout order. */
    NDArray flatGradient(ParameterSet p);

    /** Zeroes the gradients of {@code p}. */
    void zeroGradients(ParameterSet p);

    /** log p(target_t | ids_{<=t}) for every position: [N, W]. */
    default NDArray tokenLogProbs(ParameterSet p, NDArray ids, NDArray targets) {
        NDArray logProbs = logits(p, ids).logSoftmax(2);
        return logProbs.gather(targets.expandDims(2), 2).squeeze(2);
    }

    /** Sum of completion-token log-probs per row: [N]. */
    default NDArray sequenceLogProbs(ParameterSet p, SequenceBatch batch, NDManager stepManager) {
        NDArray[] arrays = toArrays(batch, stepManager);
        return tokenLogProbs(p, arrays[0], arrays[1]).mul(arrays[2]).sum(new int[] {1});
    }

    /**
     * {@link #sequenceLogProbs} (by the same operations, from one logits tensor) with each row's summed mean logit
     * ({@link RowScores#logitSums}).
     */
    default RowScores sequenceScores(ParameterSet p, SequenceBatch batch, NDManager stepManager) {
        NDArray[] arrays = toArrays(batch, stepManager);
        NDArray logits = logits(p, arrays[0]);
        NDArray tokens = logits.logSoftmax(2).gather(arrays[1].expandDims(2), 2).squeeze(2);
        return new RowScores(tokens.mul(arrays[2]).sum(new int[] {1}), RowScores.logitSums(logits, arrays[2]));
    }

    /** The batch as [ids, targets, mask] arrays in {@code stepManager}. */
    default NDArray[] toArrays(SequenceBatch batch, NDManager stepManager) {
        Shape shape = new Shape(batch.rows(), batch.width());
        return new NDArray[] {
            stepManager.create(batch.inputIds(), shape),
            stepManager.create(batch.targetIds(), shape),
            stepManager.create(batch.completionMask(), shape)
        };
    }

    @Override
    void close();
}
