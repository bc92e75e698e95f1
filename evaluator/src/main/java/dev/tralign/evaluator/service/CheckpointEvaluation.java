package dev.tralign.evaluator.service;

import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.judge.Comparison;
import dev.tralign.evaluator.judge.Judge;
import dev.tralign.evaluator.judge.Verdict;
import dev.tralign.evaluator.kl.KlAccumulator;
import dev.tralign.evaluator.kl.SampleLogProbs;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import dev.tralign.evaluator.winrate.WinRateStats;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.SamplingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges a checkpoint's policy against the SFT baseline on a run's fixed eval prompts, and estimates its KL to the SFT policy from
 * its own samples at temperature 1 (../shared/DESIGN.md section 6). The baseline's completions are sampled once and
 * reused for every checkpoint, so checkpoints compare on the same prompts and the same baseline answers; the baseline
 * is the SFT policy, never the moving reference.
 */
public final class CheckpointEvaluation {

    private final CompletionCodec codec;
    private final Policy sft;
    private final List<String> prompts;
    private final List<String> baseline;
    private final Judge judge;
    private final SamplingConfig sampling;
    private final long seed;
    private volatile Timings lastTimings = new Timings(0, 0);

    /**
     * @param codec         prompt text to tokens and generated tokens to text
     * @param sft           the baseline policy (the initial SFT model); also the model KL is measured against
     * @param prompts       the run's fixed eval prompts
     * @param judge         decides candidate vs baseline for each prompt
     * @param maxNewTokens  generation length limit
     * @param seed          sampling seed: checkpoint step s samples with a seed derived from (seed, s)
     */
    public CheckpointEvaluation(CompletionCodec codec, Policy sft, List<String> prompts, Judge judge, int maxNewTokens,
            long seed) {
        this.codec = codec;
        this.sft = sft;
        this.seed = seed;
        this.prompts = List.copyOf(prompts);
        this.judge = judge;
        this.sampling = SamplingConfig.unbiased(maxNewTokens, codec.eosId());
        this.baseline = decode(sft.sample(promptTokens(), sampling, seed ^ 0xBA5EL));
    }

    /** Name of the judge, as recorded in Judgment.judge. */
    public String judgeName() {
        return judge.name();
    }

    public List<String> prompts() {
        return prompts;
    }

    /** The baseline's completion of each eval prompt. */
    public List<String> baseline() {
        return baseline;
    }

    /** Samples the policy on every eval prompt, judges each against the baseline, scores it under policy and SFT. */
    public List<PromptOutcome> outcomes(Policy policy, long step) {
        long started = System.nanoTime();
        int[][] generated = policy.sample(promptTokens(), sampling, seed + 7919L * step);
        List<TokenizedExample> scored = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            scored.add(new TokenizedExample("eval-" + i, codec.prompt(prompts.get(i)), generated[i]));
        }
        double[] policyLogProbs = policy.completionLogProbs(scored);
        double[] sftLogProbs = sft.completionLogProbs(scored);
        long generatedAt = System.nanoTime();
        List<Comparison> comparisons = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            comparisons.add(new Comparison(prompts.get(i), codec.completion(generated[i]), baseline.get(i)));
        }
        // judgeAll lets a judge batch (reward model) or run requests concurrently (LLM server).
        List<Verdict> verdicts = judge.judgeAll(comparisons);
        List<PromptOutcome> outcomes = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            outcomes.add(new PromptOutcome(i, prompts.get(i), comparisons.get(i).candidate(), baseline.get(i),
                    generated[i].length, policyLogProbs[i], sftLogProbs[i], verdicts.get(i)));
        }
        lastTimings = new Timings((generatedAt - started) / 1e6, (System.nanoTime() - generatedAt) / 1e6);
        return outcomes;
    }

    /** Time the last {@link #outcomes} call spent generating and scoring, and judging, in milliseconds. */
    public Timings lastTimings() {
        return lastTimings;
    }

    /** Where one checkpoint's evaluation time went. */
    public record Timings(double generationMillis, double judgingMillis) {
    }

    /** Win rate, KL and mean statistics of one checkpoint. */
    public Result evaluate(Policy policy, long step) {
        return summarize(step, outcomes(policy, step));
    }

    /** Summarises per-prompt outcomes into one result. */
    public static Result summarize(long step, List<PromptOutcome> outcomes) {
        WinRateAccumulator judged = WinRateAccumulator.EMPTY;
        KlAccumulator kl = KlAccumulator.EMPTY;
        double scoreSum = 0;
        for (PromptOutcome o : outcomes) {
            if (!o.verdict().isMissing()) {
                judged = judged.add(o.verdict().preference(), o.verdict().candidateScore());
            }
            kl = kl.add(o.sample());
            scoreSum += o.verdict().candidateScore() == null ? Double.NaN : o.verdict().candidateScore();
        }
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < Math.min(3, outcomes.size()); i++) {
            examples.add(outcomes.get(i).completion());
        }
        return new Result(step, WinRateStats.of(judged), kl.perSequence().orElse(Double.NaN),
                kl.perToken().orElse(Double.NaN), scoreSum / outcomes.size(), examples);
    }

    /** Mean judge score of the baseline's completions (NaN when the judge does not score). */
    public double baselineScore() {
        double sum = 0;
        for (int i = 0; i < prompts.size(); i++) {
            Double score = judge.judge(prompts.get(i), baseline.get(i), baseline.get(i)).baselineScore();
            sum += score == null ? Double.NaN : score;
        }
        return sum / prompts.size();
    }

    private List<int[]> promptTokens() {
        List<int[]> out = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            out.add(codec.prompt(prompt));
        }
        return out;
    }

    private List<String> decode(int[][] generated) {
        List<String> out = new ArrayList<>(generated.length);
        for (int[] row : generated) {
            out.add(codec.completion(row));
        }
        return out;
    }

    /** What happened on one eval prompt. */
    public record PromptOutcome(int promptIndex, String prompt, String completion, String baseline, int tokens,
            double logProbPolicy, double logProbSft, Verdict verdict) {

        /** The candidate sample's log-probs, one KL sample. */
        public SampleLogProbs sample() {
            return new SampleLogProbs(logProbPolicy, logProbSft, tokens);
        }
    }

    /** One checkpoint's evaluation. */
    public record Result(long step, WinRateStats winRate, double klPerSequence, double klPerToken,
            double meanCandidateScore, List<String> examples) {
    }
}
