package dev.tralign.evaluator.judge;

import dev.tralign.evaluator.winrate.Preferences;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Judges with a language model as the reward model: score(prompt, completion) = mean log-prob per token of the
 * completion followed by EOS under a checkpoint's policy ({@link Policy#tokenLogProbs}); the higher score wins,
 * equal scores tie, identical outputs always tie. Both scores are reported as the verdict's candidate/baseline
 * scores; no ratings.
 *
 * <p>Why this form: EOS is appended because the trainer trains completions that way (so a completion the model
 * was trained to stop after scores the stop too, and an empty completion still has one token); the MEAN rather
 * than the sum, because summed log-probs favour short completions whatever they say. It is a likelihood judge:
 * with an SFT checkpoint it asks "how much does this read like the SFT data", with a policy it is the policy's own
 * preference. A completion the tokenizer cannot encode, or with no scored token left after truncation to the
 * model's window, gives a missing judgment.
 *
 * <p>The caller owns {@code scorer} and closes it. A loaded policy may be shared across threads; a trainer's live
 * policy must not be used while it trains.
 */
public final class RewardModelJudge implements Judge {

    /** Judgment.judge is this prefix plus the model's name. */
    public static final String NAME_PREFIX = "reward-model:";

    private final String name;
    private final Policy scorer;
    private final TextTokenizer tokenizer;

    /**
     * @param modelName what the scorer is (checkpoint file name, run/step), recorded as reward-model:modelName
     * @param scorer the model whose log-probs are the reward
     * @param tokenizer the tokenizer the scorer was trained with
     */
    public RewardModelJudge(String modelName, Policy scorer, TextTokenizer tokenizer) {
        Objects.requireNonNull(modelName, "modelName");
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        if (modelName.isBlank()) {
            throw new IllegalArgumentException("reward model name must not be blank (it names the judge)");
        }
        if (tokenizer.vocabSize() > scorer.config().vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize() + " ids but the reward model "
                    + "only " + scorer.config().vocabSize() + ": use the tokenizer the checkpoint was trained with");
        }
        this.name = NAME_PREFIX + modelName;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Verdict judge(String prompt, String candidate, String baseline) {
        return judgeAll(List.of(new Comparison(prompt, candidate, baseline))).get(0);
    }

    /** Scores all completions in batched forwards (two rows per comparison), results in input order. */
    @Override
    public List<Verdict> judgeAll(List<Comparison> comparisons) {
        Verdict[] verdicts = new Verdict[comparisons.size()];
        List<Integer> scored = new ArrayList<>();
        List<TokenizedExample> rows = new ArrayList<>();
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison c = comparisons.get(i);
            int[] prompt;
            int[] candidate;
            int[] baseline;
            try {
                prompt = tokenizer.encode(c.prompt());
                candidate = withEos(c.candidate());
                baseline = withEos(c.baseline());
            } catch (IllegalArgumentException e) {
                // Text outside the tokenizer's alphabet: the model cannot say anything about it.
                verdicts[i] = Verdict.missing("cannot tokenize: " + e.getMessage());
                continue;
            }
            rows.add(new TokenizedExample(i + "/candidate", prompt, candidate));
            rows.add(new TokenizedExample(i + "/baseline", prompt, baseline));
            scored.add(i);
        }
        double[][] tokenLogProbs = rows.isEmpty() ? new double[0][] : scorer.tokenLogProbs(rows);
        for (int k = 0; k < scored.size(); k++) {
            int i = scored.get(k);
            verdicts[i] = verdict(comparisons.get(i), mean(tokenLogProbs[2 * k]), mean(tokenLogProbs[2 * k + 1]));
        }
        return Arrays.asList(verdicts);
    }

    private static Verdict verdict(Comparison c, double candidateScore, double baselineScore) {
        if (Double.isNaN(candidateScore) || Double.isNaN(baselineScore)) {
            return Verdict.missing("no completion token left to score within the reward model's window");
        }
        double preference = c.candidate().equals(c.baseline())
                ? Preferences.TIE
                : Preferences.fromScores(candidateScore, baselineScore);
        return new Verdict(preference, candidateScore, baselineScore, Map.of(), null);
    }

    private int[] withEos(String completion) {
        int[] ids = tokenizer.encode(completion);
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = tokenizer.eosId();
        return out;
    }

    private static double mean(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
