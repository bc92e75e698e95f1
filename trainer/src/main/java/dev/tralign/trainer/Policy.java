package dev.tralign.trainer;

import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.hf.HfModelFolder;
import java.nio.file.Path;
import java.util.List;

/**
 * A language model one can score and sample from: the trainer's live policy ({@link AlignmentTrainer#policy()})
 * or the policy weights of a checkpoint ({@link #load}). Calls run without gradients. A loaded policy may be used
 * from several threads at once; a trainer's live policy must not be used while a training step runs.
 */
public interface Policy extends AutoCloseable {

    /** Loads the policy weights of a checkpoint written by {@link AlignmentTrainer#saveCheckpoint}, on the CPU. */
    static Policy load(Path checkpoint) {
        return GptPolicy.load(checkpoint, "cpu", "policy");
    }

    /** Loads the policy weights of a checkpoint onto {@code device} ("cpu", "gpu", "gpu1", ...). */
    static Policy load(Path checkpoint, String device) {
        return GptPolicy.load(checkpoint, device, "policy");
    }

    /**
     * Loads the REFERENCE weights a checkpoint holds (the moving reference of a TR run, or the frozen SFT model),
     * on the CPU: with {@link #load} it gives the implicit rewards beta * (lp_policy - lp_reference) of that step.
     */
    static Policy loadReference(Path checkpoint) {
        return GptPolicy.load(checkpoint, "cpu", "reference");
    }

    /**
     * A loaded Hugging Face folder's weights as a policy (scoring, cached sampling). It borrows them: closing it
     * frees nothing, and it must not be used after {@code loaded} is closed.
     */
    static Policy of(HfModelFolder.Loaded loaded) {
        return new GptPolicy(loaded.model(), loaded.parameters(), false);
    }

    ModelConfig config();

    /** Sum of completion-token log-probs for each example (prompt masked), batched. */
    double[] completionLogProbs(List<TokenizedExample> examples);

    /** Per-completion-token log-probs for each example (as many as scored completion tokens). */
    double[][] tokenLogProbs(List<TokenizedExample> examples);

    /**
     * Mean entropy (nats) of the next-token distribution over each example's scored completion positions
     * (0 for an example with no scored token): how peaked the policy is where it writes completions.
     */
    double[] meanTokenEntropy(List<TokenizedExample> examples);

    /**
     * Generates a completion for each prompt (left-truncated to fit maxSeqLen). Deterministic: prompt i's output
     * depends only on its tokens, the weights, {@code cfg} and {@code seed} (each row has its own generator).
     * The EOS token, when produced, ends the row and is included.
     */
    default int[][] sample(List<int[]> prompts, SamplingConfig cfg, long seed) {
        return sample(prompts, cfg, seed, 0);
    }

    /**
     * The same for rows {@code firstRow, firstRow + 1, ...} of a larger batch: prompt i draws from the generator of
     * row {@code firstRow + i}, so a batch sampled in parts (e.g. an evaluation split into shards) draws the same
     * random numbers as the whole.
     */
    int[][] sample(List<int[]> prompts, SamplingConfig cfg, long seed, int firstRow);

    /** SHA-256 of the weights. */
    String digest();

    @Override
    void close();
}
