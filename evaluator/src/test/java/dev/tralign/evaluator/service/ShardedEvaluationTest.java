package dev.tralign.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint evaluated in shards (as evaluator workers do) samples what it samples whole: each prompt draws from
 * its row's generator of the whole set, so the split does not choose the samples; the log-probs, computed in
 * other batches, agree to float32 rounding. Real DJL PyTorch, a tiny GPT.
 */
class ShardedEvaluationTest {

    private static final String ALPHABET = "abcdef";

    @TempDir
    Path dir;

    @Test
    void shardsOfAnySizeGiveTheWholeSetsSamplesAndVerdicts() {
        AlphabetTokenizer tokenizer = new AlphabetTokenizer(ALPHABET);
        ModelConfig shape = new ModelConfig(tokenizer.vocabSize(), 16, 1, 2, 24);
        Path sftFile = save(shape, 3, "sft.ckpt");
        Path policyFile = save(shape, 4, "policy.ckpt");
        List<String> prompts = List.of("ab", "fed", "c", "dda", "bcf", "ea", "ffff", "b", "cab", "de");
        try (Policy sft = Policy.load(sftFile); Policy policy = Policy.load(policyFile)) {
            CheckpointEvaluation evaluation = new CheckpointEvaluation(new CompletionCodec(tokenizer), sft, prompts,
                    new GoldRewardJudge((p, c) -> c.chars().filter(ch -> ch == 'a').count()), 10, 7);
            List<CheckpointEvaluation.PromptOutcome> whole = evaluation.outcomes(policy, 5);
            for (int size : new int[] {1, 3, 4}) {
                List<CheckpointEvaluation.PromptOutcome> sharded = new ArrayList<>();
                for (PromptShards.Shard shard : PromptShards.of(prompts.size(), size)) {
                    sharded.addAll(evaluation.outcomes(policy, 5, shard.from(), shard.to()));
                }
                assertThat(sharded).as("shards of %d", size).hasSize(whole.size());
                for (int i = 0; i < whole.size(); i++) {
                    CheckpointEvaluation.PromptOutcome a = whole.get(i);
                    CheckpointEvaluation.PromptOutcome b = sharded.get(i);
                    assertThat(b.promptIndex()).isEqualTo(i);
                    assertThat(b.completion()).as("prompt %d in shards of %d", i, size).isEqualTo(a.completion());
                    assertThat(b.verdict().preference()).isEqualTo(a.verdict().preference());
                    assertThat(b.tokens()).isEqualTo(a.tokens());
                    // Scored in another batch (other padding): equal up to float32 rounding, ~1e-8 relative.
                    assertThat(b.logProbPolicy()).as("prompt %d in shards of %d", i, size)
                            .isCloseTo(a.logProbPolicy(), org.assertj.core.data.Offset.offset(1e-5));
                }
            }
            // The samples are not all alike: the test would pass vacuously on a model that writes one string.
            assertThat(whole.stream().map(CheckpointEvaluation.PromptOutcome::completion).distinct().count())
                    .isGreaterThan(3);
        }
    }

    private Path save(ModelConfig shape, long seed, String name) {
        Path file = dir.resolve(name);
        try (AlignmentTrainer trainer = AlignmentTrainer.create(shape,
                TrainingConfig.builder().lossType("sft").learningRate(1e-3).maxSteps(1).seed(seed).build())) {
            trainer.saveCheckpoint(file);
        }
        return file;
    }
}
