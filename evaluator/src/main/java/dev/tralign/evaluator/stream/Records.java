package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.judge.Verdict;
import dev.tralign.evaluator.kl.KlAccumulator;
import dev.tralign.evaluator.kl.SampleLogProbs;
import dev.tralign.evaluator.winrate.LengthControlledWinRate;
import dev.tralign.evaluator.winrate.LengthJudgment;
import dev.tralign.evaluator.winrate.Preferences;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import dev.tralign.evaluator.winrate.WinRateStats;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.WinRate;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/** Conversions between the evaluator's pure values and the Avro records on its topics. */
public final class Records {

    private Records() {
    }

    /** The key of a judgment on tralign.judgments: runId/step/promptId. */
    public static String judgmentKey(Judgment judgment) {
        return Keys.of(judgment.getRunId(), judgment.getStep(), judgment.getPromptId());
    }

    /** The key of a win rate on tralign.win-rates: runId/step. */
    public static String winRateKey(String runId, long step) {
        return Keys.step(runId, step);
    }

    /** A Judgment record for a verdict (no log-probs: an online sample's or an imported annotation's). */
    public static Judgment judgment(String runId, long step, String promptId, String judge, String candidate,
            String baseline, Verdict verdict, Instant at) {
        return builder(runId, step, promptId, judge, candidate, baseline, verdict, at).build();
    }

    /**
     * The evaluation record of one (run, step, prompt): the verdict and the candidate sample's log-probs under the
     * policy and under SFT, for win rate and KL from one record.
     */
    public static Judgment evaluation(String runId, long step, String promptId, String judge, String candidate,
            String baseline, Verdict verdict, SampleLogProbs sample, Instant at) {
        return builder(runId, step, promptId, judge, candidate, baseline, verdict, at)
                .setCandidateTokens(sample.tokens())
                .setLogProbPolicy(sample.logProbPolicy())
                .setLogProbSft(sample.logProbSft())
                .build();
    }

    private static Judgment.Builder builder(String runId, long step, String promptId, String judge,
            String candidate, String baseline, Verdict verdict, Instant at) {
        return Judgment.newBuilder()
                .setRunId(runId).setStep(step).setPromptId(promptId).setJudge(judge)
                .setCandidate(candidate).setBaseline(baseline)
                .setPreference(verdict.preference())
                .setCandidateScore(verdict.candidateScore())
                .setBaselineScore(verdict.baselineScore())
                .setRatings(verdict.ratings())
                .setAt(at);
    }

    /** The judgment's preference after AlpacaEval's rules, empty when it is to be excluded. */
    public static OptionalDouble preference(Judgment judgment) {
        return Preferences.normalise(judgment.getPreference(), judgment.getCandidate(), judgment.getBaseline());
    }

    /** Adds a judgment to an aggregate (missing judgments leave it unchanged). */
    public static WinRateAccumulator add(WinRateAccumulator accumulator, Judgment judgment) {
        OptionalDouble preference = preference(judgment);
        return preference.isPresent()
                ? accumulator.add(preference.getAsDouble(), judgment.getCandidateScore())
                : accumulator;
    }

    /** Retracts a judgment from an aggregate, exactly undoing {@link #add}. */
    public static WinRateAccumulator subtract(WinRateAccumulator accumulator, Judgment judgment) {
        OptionalDouble preference = preference(judgment);
        return preference.isPresent()
                ? accumulator.subtract(preference.getAsDouble(), judgment.getCandidateScore())
                : accumulator;
    }

    /** The judgment's output lengths and normalised preference (NaN when missing), for the length control. */
    public static LengthJudgment lengthJudgment(Judgment judgment) {
        OptionalDouble preference = preference(judgment);
        return LengthJudgment.of(judgment.getCandidate(), judgment.getBaseline(),
                preference.isPresent() ? preference.getAsDouble() : Double.NaN);
    }

    /**
     * The length-controlled win rate of an aggregate, empty when it is undefined (fewer than 5 verdicts) or when
     * the aggregate's lengths do not cover every counted verdict (state written before lengths were kept: the
     * step gets its LC once it is re-aggregated from the judgments).
     */
    public static Optional<LengthControlledWinRate> lengthControlled(CheckpointAggregate aggregate) {
        return lengthsCoverVerdicts(aggregate) ? finite(aggregate.lengths().lengthControlled()) : Optional.empty();
    }

    /** Whether the aggregate's lengths cover every counted verdict (not so for state from before lengths). */
    static boolean lengthsCoverVerdicts(CheckpointAggregate aggregate) {
        return aggregate.lengths().judged() == aggregate.judged().nTotal();
    }

    /** The fit, empty when undefined (fewer than 5 verdicts). */
    static Optional<LengthControlledWinRate> finite(LengthControlledWinRate lc) {
        return Double.isFinite(lc.winRate()) ? Optional.of(lc) : Optional.empty();
    }

    /**
     * The candidate's log-probs for KL to SFT, when the record carries both finite sums and a token count (imported
     * annotations and records from before the evaluation record carried them do not).
     */
    public static Optional<SampleLogProbs> klSample(Judgment judgment) {
        Double policy = judgment.getLogProbPolicy();
        Double sft = judgment.getLogProbSft();
        Integer tokens = judgment.getCandidateTokens();
        if (policy == null || sft == null || tokens == null || !Double.isFinite(policy) || !Double.isFinite(sft)
                || tokens < 0) {
            return Optional.empty();
        }
        return Optional.of(new SampleLogProbs(policy, sft, tokens));
    }

    /** A WinRate record from the aggregate of one (run, step), with its LC fitted now. */
    public static WinRate winRate(String runId, long step, CheckpointAggregate aggregate, Instant at) {
        return winRate(runId, step, aggregate, lengthControlled(aggregate), at);
    }

    /** A WinRate record from the aggregate of one (run, step) and its LC (empty: the LC fields are null). */
    public static WinRate winRate(String runId, long step, CheckpointAggregate aggregate,
            Optional<LengthControlledWinRate> lc, Instant at) {
        WinRateStats stats = aggregate.judged().stats();
        KlAccumulator klOrEmpty = aggregate.kl();
        return WinRate.newBuilder()
                .setRunId(runId).setStep(step)
                .setNWins(stats.nWins()).setNWinsBase(stats.nWinsBase()).setNDraws(stats.nDraws())
                .setNTotal(stats.nTotal())
                .setWinRate(stats.winRate()).setStandardError(stats.standardError())
                .setDiscreteWinRate(stats.discreteWinRate())
                .setWilsonLow(stats.wilsonLow()).setWilsonHigh(stats.wilsonHigh())
                .setKlToSft(boxed(klOrEmpty.perSequence()))
                .setKlToSftPerToken(boxed(klOrEmpty.perToken()))
                .setKlSamples(klOrEmpty.samples())
                .setMeanGoldScore(boxed(stats.meanCandidateScore()))
                .setLengthControlledWinRate(lc.map(LengthControlledWinRate::winRate).orElse(null))
                .setLcStandardError(lc.map(LengthControlledWinRate::standardError).orElse(null))
                .setAt(at)
                .build();
    }

    private static Double boxed(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }
}
