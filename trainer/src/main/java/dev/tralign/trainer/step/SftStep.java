package dev.tralign.trainer.step;

import dev.tralign.trainer.data.TokenIds;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.loss.SftLoss;
import dev.tralign.trainer.model.SequenceBatch;
import dev.tralign.trainer.model.SequenceCollator;
import java.util.List;
import java.util.Map;

/**
 * Supervised fine-tuning: token-mean NLL of the completions. With micro-batch shards each half's share is its summed
 * NLL over the WHOLE batch's scored tokens, so the shares add up to the mean.
 */
final class SftStep implements ObjectiveStep {

    private final StepEngine engine;
    private final SftLoss loss = new SftLoss();
    private final SequenceCollator collator;

    SftStep(StepEngine engine) {
        this.engine = engine;
        this.collator = new SequenceCollator(engine.model().config().maxSeqLen(), 0);
    }

    @Override
    public MicroBatchResult accumulate(Batch batch) {
        if (!(batch instanceof Batch.Examples given)) {
            throw Objectives.wrongBatch(engine.config(), batch);
        }
        List<TokenizedExample> examples = given.examples();
        Objectives.requireNonEmpty(examples, "examples");
        TokenIds.requireExamples(examples, engine.model().config().vocabSize());
        if (engine.sharded() && examples.size() >= 2) {
            int half = (examples.size() + 1) / 2;
            SequenceBatch first = collate(examples.subList(0, half));
            SequenceBatch second = collate(examples.subList(half, examples.size()));
            int tokens = scoredTokens(first) + scoredTokens(second);
            double value = engine.trainInShards(
                    (leaves, sm) -> new TwoShards.Share<>(loss.compute(
                            engine.model().sequenceLogProbs(leaves, first, sm), tokens), null),
                    (leaves, sm) -> new TwoShards.Share<>(loss.compute(
                            engine.model().sequenceLogProbs(leaves, second, sm), tokens), null)).loss();
            // Truncation is per example, so the halves' counts add up to the whole batch's.
            return new MicroBatchResult(value, first.tokenCount() + second.tokenCount(),
                    first.truncatedPrompts() + second.truncatedPrompts(),
                    first.truncatedCompletions() + second.truncatedCompletions(), Map.of("nll_per_token", value));
        }
        SequenceBatch whole = collate(examples);
        int tokens = scoredTokens(whole);
        double value = engine.trainOn(sm -> loss.compute(engine.model().sequenceLogProbs(engine.policy(), whole, sm),
                tokens));
        return new MicroBatchResult(value, whole.tokenCount(), whole.truncatedPrompts(), whole.truncatedCompletions(),
                Map.of("nll_per_token", value));
    }

    private SequenceBatch collate(List<TokenizedExample> examples) {
        return collator.collate(examples.stream().map(TokenizedExample::prompt).toList(),
                examples.stream().map(TokenizedExample::completion).toList());
    }

    /** Completion tokens the loss scores (after truncation). */
    private static int scoredTokens(SequenceBatch batch) {
        int scored = 0;
        for (int n : batch.completionLengths()) {
            scored += n;
        }
        return scored;
    }
}
