package dev.tralign.evaluator.service;

import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.judge.Comparison;
import dev.tralign.evaluator.judge.Judge;
import dev.tralign.evaluator.judge.Verdict;
import dev.tralign.evaluator.kl.KlAccumulator;
import dev.tralign.evaluator.kl.SampleLogProbs;
import dev.tralign.evaluator.winrate.LengthJudgment;
import dev.tralign.evaluator.winrate.LengthJudgments;
import dev.tralign.evaluator.winrate.Preferences;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import dev.tralign.evaluator.winrate.WinRateStats;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.SamplingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

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

    /** Id of eval prompt {@code index} in evaluation records: stable across a run's checkpoints. */
    public static String promptId(int index) {
        return "eval-" + index;
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
        return outcomes(policy, step, 0, prompts.size());
    }

    /**
     * The same for the eval prompts [from, to) only: one shard of a checkpoint's evaluation. Prompt i draws from the
     * same generator as in the whole set (row i of the checkpoint's seed), so a shard samples what the whole set
     * would, up to the numerics of the batch it is computed in; a given split gives the same outcomes whichever
     * worker runs each shard.
     */
    public List<PromptOutcome> outcomes(Policy policy, long step, int from, int to) {
        if (from < 0 || to > prompts.size() || from >= to) {
            throw new IllegalArgumentException("prompt range [" + from + ", " + to + ") is not within the "
                    + prompts.size() + " eval prompts");
        }
        long started = System.nanoTime();
        List<String> shard = prompts.subList(from, to);
        int[][] generated = policy.sample(promptTokens(shard), sampling, seed + 7919L * step, from);
        List<TokenizedExample> scored = new ArrayList<>(shard.size());
        for (int i = 0; i < shard.size(); i++) {
            scored.add(new TokenizedExample(promptId(from + i), codec.prompt(shard.get(i)), generated[i]));
        }
        double[] policyLogProbs = policy.completionLogProbs(scored);
        double[] sftLogProbs = sft.completionLogProbs(scored);
        long generatedAt = System.nanoTime();
        List<Comparison> comparisons = new ArrayList<>(shard.size());
        for (int i = 0; i < shard.size(); i++) {
            comparisons.add(new Comparison(shard.get(i), codec.completion(generated[i]), baseline.get(from + i)));
        }
        // judgeAll lets a judge batch (reward model) or run requests concurrently (LLM server).
        List<Verdict> verdicts = judge.judgeAll(comparisons);
        List<PromptOutcome> outcomes = new ArrayList<>(shard.size());
        for (int i = 0; i < shard.size(); i++) {
            outcomes.add(new PromptOutcome(from + i, shard.get(i), comparisons.get(i).candidate(),
                    baseline.get(from + i), generated[i].length, policyLogProbs[i], sftLogProbs[i], verdicts.get(i)));
        }
        lastTimings = new Timings((generatedAt - started) / 1e6, (System.nanoTime() - generatedAt) / 1e6);
        return outcomes;
    }

    /**
     * sha256 hex of what makes two evaluators' outcomes comparable: the eval prompts, the seed, the generation limit
     * and the judge's name. Workers sharing a checkpoint's shards must agree on it.
     */
    public String digest() {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            String header = judge.name() + "\n" + seed + "\n" + sampling.maxNewTokens() + "\n" + prompts.size() + "\n";
            sha.update(header.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (String prompt : prompts) {
                byte[] bytes = prompt.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                sha.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
                sha.update(bytes);
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
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
                kl.perToken().orElse(Double.NaN), scoreSum / outcomes.size(), examples, lengthControlled(outcomes));
    }

    /** The length-controlled win rate of the outcomes, prompts in prompt-id order as the win-rate stream takes them. */
    private static double lengthControlled(List<PromptOutcome> outcomes) {
        LengthJudgments lengths = LengthJudgments.EMPTY;
        for (PromptOutcome o : outcomes) {
            OptionalDouble preference = o.verdict().isMissing() ? OptionalDouble.empty()
                    : Preferences.normalise(o.verdict().preference(), o.completion(), o.baseline());
            lengths = lengths.with(promptId(o.promptIndex()), LengthJudgment.of(o.completion(), o.baseline(),
                    preference.isPresent() ? preference.getAsDouble() : Double.NaN));
        }
        return lengths.lengthControlled().winRate();
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
        return promptTokens(prompts);
    }

    private List<int[]> promptTokens(List<String> texts) {
        List<int[]> out = new ArrayList<>(texts.size());
        for (String prompt : texts) {
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

    /**
     * One checkpoint's evaluation.
     *
     * @param lengthControlledWinRate AlpacaEval's length-controlled win rate in percent (NaN under 5 verdicts)
     */
    public record Result(long step, WinRateStats winRate, double klPerSequence, double klPerToken,
            double meanCandidateScore, List<String> examples, double lengthControlledWinRate) {
    }
}
