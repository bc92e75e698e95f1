package dev.tralign.trainer.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tralign.trainer.data.TokenIds;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.loss.LdDpoMask;
import dev.tralign.trainer.loss.LossOutput;
import dev.tralign.trainer.loss.PairLogProbs;
import dev.tralign.trainer.loss.PairLoss;
import dev.tralign.trainer.loss.WpoWeights;
import dev.tralign.trainer.model.CausalLm;
import dev.tralign.trainer.model.PairBatch;
import dev.tralign.trainer.model.PairCollator;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.RowScores;
import dev.tralign.trainer.model.Scalars;
import dev.tralign.trainer.model.SequenceBatch;
import dev.tralign.trainer.model.SequenceCollator;
import dev.tralign.trainer.model.SharedPromptPairs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * Preference pairs (every DPO loss type and their combinations, {@link PairLosses}): the reference scores the pairs without gradients on
 * the second thread while the policy scores them with gradients here; the pair loss turns both into per-pair losses
 * whose mean is back-propagated. With micro-batch shards and a per-pair loss ({@link PairLoss#perPair()}: all but
 * aot, aot_unpaired and kto_pair), each half of the batch runs all of that on its own thread.
 */
final class PairStep implements ObjectiveStep {

    private final StepEngine engine;
    private final PairLoss loss;
    private final PairCollator pairCollator;
    private final SequenceCollator collator;

    PairStep(StepEngine engine, PairLoss loss) {
        this.engine = engine;
        this.loss = loss;
        int maxSeqLen = engine.model().config().maxSeqLen();
        this.pairCollator = new PairCollator(maxSeqLen);
        this.collator = new SequenceCollator(maxSeqLen, 0);
    }

    @Override
    public MicroBatchResult accumulate(Batch batch) {
        if (!(batch instanceof Batch.Pairs given)) {
            throw Objectives.wrongBatch(engine.config(), batch);
        }
        List<TokenizedPair> pairs = given.pairs();
        Objectives.requireNonEmpty(pairs, "pairs");
        TokenIds.requirePairs(pairs, engine.model().config().vocabSize());
        if (engine.sharded() && pairs.size() >= 2 && loss.perPair()) {
            return accumulateInShards(pairs);
        }
        PairForward forward = pairForward(pairs);
        Future<float[]> referenceLogProbs = engine.offload(() -> engine.noGrad(
                sm -> forward.logProbs(engine.reference(), sm)));
        ParameterSet sftAnchor = engine.sftMetricsAnchor();
        Future<float[]> sftLogProbs = sftAnchor == null ? null
                : engine.offload(() -> engine.noGrad(sm -> forward.logProbs(sftAnchor, sm)));
        Map<String, Double> metrics = new LinkedHashMap<>();
        double value = engine.trainOn(stepManager -> {
            Scored policy = forward.scored(engine.policy(), stepManager);
            NDArray policyLogProbs = policy.logProbs();
            NDArray referenceArray = stepManager.create(StepEngine.await(referenceLogProbs));
            float[] lengths = toFloats(forward.completionLengths());
            LossOutput out = policy.weighted(loss.compute(pairLogProbs(policyLogProbs, referenceArray,
                    stepManager.create(lengths))));
            // One copy to the JVM for every metric that reads the policy's log-probs.
            float[] policyOnHost = policyLogProbs.toFloatArray();
            metrics.putAll(StepMetrics.pairs(out.chosenRewards().toFloatArray(), out.rejectedRewards().toFloatArray(),
                    policyOnHost, policy.logitSums().toFloatArray(), lengths));
            if (sftLogProbs != null) {
                metrics.putAll(StepMetrics.againstSft(engine.config().beta(), policyOnHost,
                        StepEngine.await(sftLogProbs)));
            }
            return out.losses().mean();
        });
        return new MicroBatchResult(value, forward.tokens(), forward.truncatedPrompts(),
                forward.truncatedCompletions(), metrics);
    }

    /**
     * The micro-batch split in two halves ({@link TwoShards}). Each half runs reference forward, policy forward and
     * loss on its own thread; its share of the loss is its summed per-pair losses divided by the WHOLE micro-batch
     * size, so the shares (and their gradients) add up to the batch mean.
     */
    private MicroBatchResult accumulateInShards(List<TokenizedPair> pairs) {
        int b = pairs.size();
        int half = (b + 1) / 2;
        PairForward first = pairForward(pairs.subList(0, half));
        PairForward second = pairForward(pairs.subList(half, b));
        // The SFT term's token mean spans the whole micro-batch: each shard is told its mean chosen length.
        double meanChosenLength = Math.max(1, first.chosenTokens() + second.chosenTokens()) / (double) b;
        TwoShards.Result<PairShard> result = engine.trainInShards(
                (leaves, sm) -> share(first, leaves, sm, b, meanChosenLength),
                (leaves, sm) -> share(second, leaves, sm, b, meanChosenLength));
        PairShard a = result.first();
        PairShard c = result.second();
        Map<String, Double> metrics = StepMetrics.pairs(concat(a.chosenRewards(), c.chosenRewards()),
                concat(a.rejectedRewards(), c.rejectedRewards()), chosenThenRejected(a.logProbs(), c.logProbs()),
                chosenThenRejected(a.logitSums(), c.logitSums()),
                chosenThenRejected(toFloats(first.completionLengths()), toFloats(second.completionLengths())));
        if (a.sftLogProbs() != null) {
            metrics.putAll(StepMetrics.againstSft(engine.config().beta(), chosenThenRejected(a.logProbs(), c.logProbs()),
                    chosenThenRejected(a.sftLogProbs(), c.sftLogProbs())));
        }
        return new MicroBatchResult(result.loss(), first.tokens() + second.tokens(),
                first.truncatedPrompts() + second.truncatedPrompts(),
                first.truncatedCompletions() + second.truncatedCompletions(), metrics);
    }

    /** What a pair shard keeps for the metrics, copied to the JVM; per-row arrays are chosen rows, then rejected. */
    private record PairShard(float[] chosenRewards, float[] rejectedRewards, float[] logProbs, float[] logitSums,
            float[] sftLogProbs) {
    }

    /** Reference forward (no gradients), policy forward through {@code leaves}, sum(losses) / batchPairs. */
    private TwoShards.Share<PairShard> share(PairForward forward, ParameterSet leaves, NDManager stepManager,
            int batchPairs, double batchMeanChosenLength) {
        float[] referenceLogProbs = engine.noGrad(sm -> forward.logProbs(engine.reference(), sm));
        ParameterSet sftAnchor = engine.sftMetricsAnchor();
        float[] sftLogProbs = sftAnchor == null ? null : engine.noGrad(sm -> forward.logProbs(sftAnchor, sm));
        Scored policy = forward.scored(leaves, stepManager);
        NDArray policyLogProbs = policy.logProbs();
        PairLogProbs whole = pairLogProbs(policyLogProbs, stepManager.create(referenceLogProbs),
                stepManager.create(toFloats(forward.completionLengths())));
        LossOutput out = policy.weighted(loss.compute(new PairLogProbs(whole.policyChosen(), whole.policyRejected(),
                whole.referenceChosen(), whole.referenceRejected(), whole.chosenLengths(), whole.rejectedLengths(),
                batchMeanChosenLength)));
        return new TwoShards.Share<>(Scalars.dividedBy(out.losses().sum(), batchPairs),
                new PairShard(out.chosenRewards().toFloatArray(), out.rejectedRewards().toFloatArray(),
                        policyLogProbs.toFloatArray(), policy.logitSums().toFloatArray(), sftLogProbs));
    }

    /** Splits [2B] policy and reference log-probs and lengths (chosen rows, then rejected) for a pair loss. */
    private static PairLogProbs pairLogProbs(NDArray policyLogProbs, NDArray referenceLogProbs, NDArray lengths) {
        long b = policyLogProbs.getShape().get(0) / 2;
        String first = "0:" + b;
        String second = b + ":";
        return new PairLogProbs(policyLogProbs.get(first), policyLogProbs.get(second), referenceLogProbs.get(first),
                referenceLogProbs.get(second), lengths.get(first), lengths.get(second));
    }

    /**
     * How a pair batch is scored: with the shared-prompt forward (each prompt computed once for chosen and
     * rejected) when the model has one and every prompt has a token, else as 2B independent prompt+completion rows.
     */
    private PairForward pairForward(List<TokenizedPair> pairs) {
        List<int[]> prompts = pairs.stream().map(TokenizedPair::prompt).toList();
        if (engine.config().tokenLevelPairs()) {
            return tokenLevelForward(pairs, prompts);
        }
        if (engine.model() instanceof SharedPromptPairs shared && prompts.stream().allMatch(p -> p.length > 0)) {
            PairBatch batch = pairCollator.collate(prompts, pairs.stream().map(TokenizedPair::chosen).toList(),
                    pairs.stream().map(TokenizedPair::rejected).toList());
            return new PairForward((params, sm, withLogitSums) -> Scored.of(
                    shared.pairScores(params, batch, sm, withLogitSums)),
                    batch.completionLengths(), batch.tokenCount(), batch.truncatedPrompts(),
                    batch.truncatedCompletions());
        }
        List<int[]> allPrompts = new ArrayList<>(prompts);
        allPrompts.addAll(prompts);
        List<int[]> completions = new ArrayList<>(pairs.stream().map(TokenizedPair::chosen).toList());
        completions.addAll(pairs.stream().map(TokenizedPair::rejected).toList());
        SequenceBatch batch = collator.collate(allPrompts, completions);
        CausalLm model = engine.model();
        return new PairForward((params, sm, withLogitSums) -> withLogitSums
                ? Scored.of(model.sequenceScores(params, batch, sm))
                : new Scored(model.sequenceLogProbs(params, batch, sm), null, null),
                batch.completionLengths(), batch.tokenCount(), batch.truncatedPrompts(),
                batch.truncatedCompletions());
    }

    /**
     * LD-DPO and/or WPO (TrainingConfig.ldAlpha, useWeighting): 2B independent rows whose token log-probs are summed
     * with LD-DPO's weights ({@link LdDpoMask}) and, for the policy, WPO's weights from its token distributions
     * ({@link WpoWeights}). Only taken when one of the two is on, so the default path keeps the shared-prompt forward.
     */
    private PairForward tokenLevelForward(List<TokenizedPair> pairs, List<int[]> prompts) {
        List<int[]> allPrompts = new ArrayList<>(prompts);
        allPrompts.addAll(prompts);
        List<int[]> completions = new ArrayList<>(pairs.stream().map(TokenizedPair::chosen).toList());
        completions.addAll(pairs.stream().map(TokenizedPair::rejected).toList());
        SequenceBatch batch = collator.collate(allPrompts, completions);
        Double ldAlpha = engine.config().ldAlpha();
        float[] tokenWeights = ldAlpha == null ? batch.completionMask()
                : LdDpoMask.weights(batch.completionMask(), batch.rows(), batch.width(), ldAlpha);
        boolean wpo = engine.config().useWeighting();
        CausalLm model = engine.model();
        return new PairForward((params, sm, withLogitSums) -> {
            NDArray[] arrays = model.toArrays(batch, sm);
            NDArray logits = model.logits(params, arrays[0]);
            NDArray logProbs = logits.logSoftmax(2);
            NDArray tokens = logProbs.gather(arrays[1].expandDims(2), 2).squeeze(2);
            NDArray weights = sm.create(tokenWeights, new Shape(batch.rows(), batch.width()));
            NDArray sums = tokens.mul(weights).sum(new int[] {1});
            return new Scored(sums, wpo ? WpoWeights.of(logProbs, tokens, arrays[2]) : null,
                    withLogitSums ? RowScores.logitSums(logits, arrays[2]) : null);
        }, batch.completionLengths(), batch.tokenCount(), batch.truncatedPrompts(), batch.truncatedCompletions());
    }

    /**
     * A forward's log-probs [2B], with WPO the policy's per-row weights [2B] (else null), and for the policy the rows'
     * summed mean logits for TRL's logits/chosen and logits/rejected (else null).
     */
    private record Scored(NDArray logProbs, NDArray wpoWeights, NDArray logitSums) {

        static Scored of(RowScores scores) {
            return new Scored(scores.logProbs(), null, scores.logitSums());
        }

        LossOutput weighted(LossOutput out) {
            return wpoWeights == null ? out : WpoWeights.apply(out, wpoWeights);
        }
    }

    /** A prepared pair batch: log-probs [2B] (chosen rows, then rejected) for any parameter set. */
    private record PairForward(Scorer scorer, int[] completionLengths, int tokens, int truncatedPrompts,
            int truncatedCompletions) {

        /** The reference's log-probs: no metrics are taken from it. */
        NDArray logProbs(ParameterSet params, NDManager stepManager) {
            return scorer.score(params, stepManager, false).logProbs();
        }

        /** The policy's scores, with the logit sums its metrics need. */
        Scored scored(ParameterSet params, NDManager stepManager) {
            return scorer.score(params, stepManager, true);
        }

        /** Scored tokens of the chosen completions (the first half of the rows). */
        int chosenTokens() {
            int sum = 0;
            for (int i = 0; i < completionLengths.length / 2; i++) {
                sum += completionLengths[i];
            }
            return sum;
        }
    }

    /** How a prepared batch is scored by a parameter set. */
    private interface Scorer {
        Scored score(ParameterSet params, NDManager stepManager, boolean withLogitSums);
    }

    /** Two shards' per-row arrays (each chosen rows, then rejected) as the whole batch's: a's chosen, c's, a's rejected, c's. */
    private static float[] chosenThenRejected(float[] a, float[] c) {
        int na = a.length / 2;
        int nc = c.length / 2;
        return concat(concat(Arrays.copyOfRange(a, 0, na), Arrays.copyOfRange(c, 0, nc)),
                concat(Arrays.copyOfRange(a, na, 2 * na), Arrays.copyOfRange(c, nc, 2 * nc)));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[] toFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
