package dev.tralign.trainer.step;

import ai.djl.ndarray.NDArray;
import dev.tralign.trainer.data.TokenIds;
import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.loss.FeedbackLogProbs;
import dev.tralign.trainer.loss.KtoLoss;
import dev.tralign.trainer.loss.KtoOutput;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.RowScores;
import dev.tralign.trainer.model.SequenceBatch;
import dev.tralign.trainer.model.SequenceCollator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * Unpaired thumbs up/down (KTO and apo_zero_unpaired, as TRL's KTOTrainer): for KTO each prompt is also paired with the previous example's
 * completion (completions rotated by one), and the policy/reference log-ratio on those mismatched pairs gives the
 * batch's KL reference point. Everything that needs no gradient (reference on both, policy on mismatched) runs on
 * the second thread; the policy on the matched pairs runs with gradients here. Never split into shards: the three
 * no-gradient forwards already balance the two threads.
 */
final class FeedbackStep implements ObjectiveStep {

    private final StepEngine engine;
    private final KtoLoss loss;
    private final SequenceCollator collator;

    FeedbackStep(StepEngine engine, KtoLoss loss) {
        this.engine = engine;
        this.loss = loss;
        this.collator = new SequenceCollator(engine.model().config().maxSeqLen(), 0);
    }

    @Override
    public MicroBatchResult accumulate(Batch batch) {
        if (!(batch instanceof Batch.Feedback given)) {
            throw Objectives.wrongBatch(engine.config(), batch);
        }
        List<TokenizedFeedback> feedback = given.feedback();
        Objectives.requireNonEmpty(feedback, "feedback");
        TokenIds.requireFeedback(feedback, engine.model().config().vocabSize());
        int b = feedback.size();
        if (b < 2 && loss.needsMismatched()) {
            throw new IllegalArgumentException("KTO needs at least 2 examples per micro-batch (the KL reference point "
                    + "pairs each prompt with another example's completion), got " + b + ": raise the batch size");
        }
        List<int[]> prompts = feedback.stream().map(TokenizedFeedback::prompt).toList();
        List<int[]> completions = feedback.stream().map(TokenizedFeedback::completion).toList();
        List<int[]> rotated = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            rotated.add(completions.get((i - 1 + b) % b));
        }
        SequenceBatch matched = collator.collate(prompts, completions);
        SequenceBatch mismatched = loss.needsMismatched() ? collator.collate(prompts, rotated) : null;
        // apo_zero_unpaired has no KL reference point: only the reference on the matched pairs is needed.
        Future<float[][]> noGrad = engine.offload(() -> loss.needsMismatched() ? new float[][] {
            engine.noGrad(sm -> engine.model().sequenceLogProbs(engine.reference(), matched, sm)),
            engine.noGrad(sm -> engine.model().sequenceLogProbs(engine.reference(), mismatched, sm)),
            engine.noGrad(sm -> engine.model().sequenceLogProbs(engine.policy(), mismatched, sm))}
            : new float[][] {engine.noGrad(sm -> engine.model().sequenceLogProbs(engine.reference(), matched, sm)),
                null, null});
        // sft/ metrics on due steps: the matched (and, for the KL point, mismatched) examples under the SFT weights.
        ParameterSet sftAnchor = engine.sftMetricsAnchor();
        Future<float[][]> sft = sftAnchor == null ? null : engine.offload(() -> new float[][] {
            engine.noGrad(sm -> engine.model().sequenceLogProbs(sftAnchor, matched, sm)),
            mismatched == null ? null : engine.noGrad(sm -> engine.model().sequenceLogProbs(sftAnchor, mismatched, sm))});
        float[] desirable = new float[b];
        for (int i = 0; i < b; i++) {
            desirable[i] = feedback.get(i).desirable() ? 1f : 0f;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        double value = engine.trainOn(stepManager -> {
            RowScores policy = engine.model().sequenceScores(engine.policy(), matched, stepManager);
            NDArray policyLogProbs = policy.logProbs();
            float[][] other = StepEngine.await(noGrad);
            KtoOutput out = loss.compute(new FeedbackLogProbs(policyLogProbs, stepManager.create(other[0]),
                    other[2] == null ? null : stepManager.create(other[2]),
                    other[1] == null ? null : stepManager.create(other[1]), stepManager.create(desirable)));
            float[] policyOnHost = policyLogProbs.toFloatArray();
            metrics.putAll(StepMetrics.feedback(out.rewards().toFloatArray(), policyOnHost,
                    policy.logitSums().toFloatArray(), matched.completionLengths(), desirable, out.kl().getFloat()));
            if (sft != null) {
                float[][] underSft = StepEngine.await(sft);
                metrics.putAll(StepMetrics.feedbackAgainstSft(engine.config().beta(), policyOnHost,
                        underSft[0], desirable, other[2], underSft[1]));
            }
            return out.losses().mean();
        });
        return new MicroBatchResult(value, matched.tokenCount(), matched.truncatedPrompts(),
                matched.truncatedCompletions(), metrics);
    }
}
