package dev.tralign.trainerservice;

import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainer.data.TokenIds;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.config.RunConfigDef;
import dev.tralign.trainerservice.config.RunConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference task of a run (metrics.heldout_sft.*): a fixed held-out SFT set, tokenized once at start, on which
 * the policy's mean negative log-likelihood per completion token is measured without gradients every N optimizer
 * steps. It reads the weights and nothing else (no random numbers, no gradients), so training is the same with or
 * without it, and the number is a function of the weights: a resumed or replayed run reports the same values.
 * Scoring goes through {@link Policy#tokenLogProbs}, the batched no-gradient forward every model has (built-in GPT,
 * Hugging Face, TorchScript, LoRA).
 */
final class HeldoutSft {

    /** Mean NLL per scored completion token, nats. */
    static final String NLL = "eval/sft_nll";
    /** Completion tokens scored (after truncation to model.max_seq_len). */
    static final String TOKENS = "eval/sft_nll_tokens";
    /** The starting model's NLL (before the first update), in the run's first published metrics. */
    static final String START = "eval/sft_nll_start";

    /**
     * One score of the set.
     *
     * @param nllPerToken minus the summed log-probs of every scored completion token over their number
     * @param tokens scored completion tokens
     */
    record Score(double nllPerToken, long tokens) {

        /** From the per-token log-probs of each example ({@link Policy#tokenLogProbs}). */
        static Score of(double[][] tokenLogProbs) {
            double sum = 0;
            long tokens = 0;
            for (double[] example : tokenLogProbs) {
                for (double logProb : example) {
                    sum += logProb;
                    tokens++;
                }
            }
            if (tokens == 0) {
                throw new IllegalStateException("the held-out SFT set has no scored completion token");
            }
            return new Score(-sum / tokens, tokens);
        }
    }

    private final Path file;
    private final List<TokenizedExample> examples;
    private final int everySteps;

    HeldoutSft(Path file, List<TokenizedExample> examples, int everySteps) {
        if (everySteps < 1) {
            throw new IllegalArgumentException("everySteps must be >= 1, got " + everySteps);
        }
        this.file = file;
        this.examples = List.copyOf(examples);
        this.everySteps = everySteps;
    }

    /** The run's held-out set read and tokenized, or null when the reference task is not scored. */
    static HeldoutSft load(RunConfig config, ExampleEncoder encoder) {
        Path file = config.heldoutSftFile();
        if (file == null) {
            return null;
        }
        List<TokenizedExample> examples = new ArrayList<>();
        for (HeldoutSftFile.Text text : HeldoutSftFile.read(file, config.heldoutSftMaxExamples())) {
            ExampleEncoder.Encoded encoded;
            try {
                encoded = encoder.encode(text.prompt(), text.completion());
            } catch (IllegalArgumentException e) {
                throw new RunConfigException(RunConfigDef.METRICS_HELDOUT_SFT_FILE + "=" + file + " line "
                        + text.line() + ": the run's tokenizer cannot encode it (" + e.getMessage() + ")");
            }
            examples.add(new TokenizedExample("line " + text.line(), encoded.prompt(),
                    encoded.completion()));
        }
        return new HeldoutSft(file, examples, config.heldoutSftEverySteps());
    }

    /** Refuses, at start, a set with ids the model's vocabulary does not hold. */
    void requireVocabulary(int vocabSize) {
        try {
            TokenIds.requireExamples(examples, vocabSize);
        } catch (IllegalArgumentException e) {
            throw new RunConfigException(RunConfigDef.METRICS_HELDOUT_SFT_FILE + "=" + file + ": " + e.getMessage());
        }
    }

    /** True when optimizer step {@code step} is scored. */
    boolean due(long step) {
        return step % everySteps == 0;
    }

    /** The trainer's current policy on the set. Only between optimizer steps. */
    Score score(AlignmentTrainer trainer) {
        try (Policy policy = trainer.policy()) {
            return Score.of(policy.tokenLogProbs(examples));
        }
    }

    /** {@link #NLL} and {@link #TOKENS} of a score. */
    static Map<String, Double> metrics(Score score) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(NLL, score.nllPerToken());
        out.put(TOKENS, (double) score.tokens());
        return out;
    }

    List<TokenizedExample> examples() {
        return examples;
    }

    Path file() {
        return file;
    }

    int size() {
        return examples.size();
    }

    int everySteps() {
        return everySteps;
    }

    /** Completion tokens before truncation. */
    long completionTokens() {
        long n = 0;
        for (TokenizedExample e : examples) {
            n += e.completion().length;
        }
        return n;
    }
}
