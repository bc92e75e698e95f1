package dev.tralign.trainer.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.tralign.trainer.TinyData;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.Autograd;
import dev.tralign.trainer.model.GptModel;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.SequenceBatch;
import dev.tralign.trainer.model.SequenceCollator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gradient bookkeeping of {@link TwoShards}: failures leave nothing behind, the sum is in shard order. */
class TwoShardsTest {

    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final GptModel model = new GptModel(TinyData.SHAPE, Device.cpu());

    @AfterEach
    void close() {
        worker.shutdownNow();
        model.close();
    }

    /** Summed NLL of a few random examples: a scalar with a gradient for (almost) every weight. */
    private TwoShards.Work<Void> nll(long seed) {
        List<TokenizedPair> pairs = TinyData.pairs(seed, 3);
        SequenceBatch batch = new SequenceCollator(TinyData.SHAPE.maxSeqLen(), 0).collate(
                pairs.stream().map(TokenizedPair::prompt).toList(), pairs.stream().map(TokenizedPair::chosen).toList());
        return (leaves, sm) -> new TwoShards.Share<>(model.sequenceLogProbs(leaves, batch, sm).sum().neg(), null);
    }

    private static TwoShards.Work<Void> failing() {
        return (leaves, sm) -> {
            throw new IllegalStateException("shard failed on purpose");
        };
    }

    /** The summed gradient after the given rounds; a round that throws is followed by zeroing, as the trainer does. */
    private float[] gradientAfter(List<TwoShards.Work<Void>[]> rounds) {
        try (ParameterSet policy = ParameterSet.initialise(TinyData.SHAPE, 3, Device.cpu());
                TwoShards shards = new TwoShards(model, policy, worker, true, 1, 1)) {
            model.enableGradients(policy);
            for (TwoShards.Work<Void>[] round : rounds) {
                try {
                    shards.train(round[0], round[1]);
                } catch (IllegalStateException e) {
                    model.zeroGradients(policy);
                    shards.zeroGradients();
                }
            }
            return Autograd.withGrad(false, () -> shards.addSecondShardGradients(model.flatGradient(policy))
                    .toFloatArray());
        }
    }

    @SuppressWarnings("unchecked")
    private static TwoShards.Work<Void>[] round(TwoShards.Work<Void> first, TwoShards.Work<Void> second) {
        return new TwoShards.Work[] {first, second};
    }

    @Test
    void aFailedRoundLeavesNoGradientBehindWhicheverShardFailed() {
        float[] clean = gradientAfter(List.<TwoShards.Work<Void>[]>of(round(nll(2), nll(3))));
        assertThat(gradientAfter(List.of(round(nll(1), failing()), round(nll(2), nll(3))))).containsExactly(clean);
        assertThat(gradientAfter(List.of(round(failing(), nll(1)), round(nll(2), nll(3))))).containsExactly(clean);
        // Without the zeroing the earlier round's gradient would still be there.
        assertThat(gradientAfter(List.of(round(nll(1), nll(4)), round(nll(2), nll(3))))).isNotEqualTo(clean);
    }

    @Test
    void theSumIsInShardOrderAndAnInterruptWaitsForTheSecondShard() {
        float[] forward = gradientAfter(List.<TwoShards.Work<Void>[]>of(round(nll(2), nll(3))));
        assertThat(gradientAfter(List.<TwoShards.Work<Void>[]>of(round(nll(2), nll(3))))).containsExactly(forward);
        try (ParameterSet policy = ParameterSet.initialise(TinyData.SHAPE, 3, Device.cpu());
                TwoShards shards = new TwoShards(model, policy, worker, true, 1, 1)) {
            model.enableGradients(policy);
            Thread.currentThread().interrupt();
            TwoShards.Result<Void> result = shards.train(nll(2), nll(3));
            // The interrupt did not cut the wait short (the gradient is complete) and is still pending.
            assertThat(Thread.interrupted()).isTrue();
            assertThat(result.loss()).isPositive();
            float[] gradient = Autograd.withGrad(false, () -> shards.addSecondShardGradients(
                    model.flatGradient(policy)).toFloatArray());
            assertThat(gradient).containsExactly(forward);
        }
    }

    @Test
    void aFailureIsReportedWithTheOtherShardsAsSuppressed() {
        try (ParameterSet policy = ParameterSet.initialise(TinyData.SHAPE, 3, Device.cpu());
                TwoShards shards = new TwoShards(model, policy, worker, true, 1, 1)) {
            model.enableGradients(policy);
            assertThatThrownBy(() -> shards.train(failing(), failing())).hasMessage("shard failed on purpose")
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        }
    }
}
