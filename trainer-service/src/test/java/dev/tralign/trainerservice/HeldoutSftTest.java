package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.model.SplitMix64;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import dev.tralign.trainer.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eval/sft_nll on a real (DJL PyTorch) tiny GPT: the mean NLL per completion token, a function of the weights only
 * (a resumed trainer scores the same), invisible to training, and rising when DPO pushes the policy away from the
 * text it was given.
 */
class HeldoutSftTest {

    private static final TextTokenizer TOKENIZER = Tokenizers.fromSpec("alphabet:" + PreferenceData.ALPHABET,
            "</s>", "<pad>");
    private static final ExampleEncoder ENCODER = ExampleEncoder.plain(TOKENIZER);
    private static final ModelConfig SHAPE = new ModelConfig(TOKENIZER.vocabSize(), 32, 1, 2, 24);

    @TempDir
    Path dir;

    private static TrainingConfig dpo(double learningRate) {
        return TrainingConfig.builder().lossType(LossType.SIGMOID).learningRate(learningRate).beta(0.1).seed(7)
                .maxSteps(100).build();
    }

    /** The chosen completions of seeded pairs as SFT text (the same language as the training pairs, other draws). */
    private static HeldoutSft heldout(long seed, int count) {
        return new HeldoutSft(Path.of("heldout.jsonl"), examples(seed, count), 1);
    }

    private static List<TokenizedPair> batch(int step) {
        List<TokenizedPair> out = new ArrayList<>();
        for (PreferencePair p : PreferenceData.pairs(8, 1000 + step)) {
            ExampleEncoder.Encoded chosen = ENCODER.encode(p.getPrompt(), p.getChosen());
            out.add(new TokenizedPair(p.getId(), chosen.prompt(), chosen.completion(),
                    ENCODER.encode(p.getPrompt(), p.getRejected()).completion()));
        }
        return out;
    }

    @Test
    void isTheMeanNllPerScoredCompletionTokenOverEveryForwardChunk() {
        // 70 examples: more than one 64-row forward.
        HeldoutSft set = heldout(9, 70);
        try (AlignmentTrainer trainer = AlignmentTrainer.create(SHAPE, dpo(1e-2))) {
            HeldoutSft.Score score = set.score(trainer);
            List<TokenizedExample> examples = examples(9, 70);
            double summed = 0;
            long tokens = 0;
            try (Policy policy = trainer.policy()) {
                for (double logProb : policy.completionLogProbs(examples)) {
                    summed += logProb;
                }
                for (double[] row : policy.tokenLogProbs(examples)) {
                    tokens += row.length;
                }
            }
            assertThat(score.tokens()).isEqualTo(tokens).isEqualTo(set.completionTokens());
            assertThat(score.nllPerToken()).isCloseTo(-summed / tokens, Offset.offset(1e-6));
            // A fresh model is close to uniform over the vocabulary.
            assertThat(score.nllPerToken()).isCloseTo(Math.log(SHAPE.vocabSize()), Offset.offset(0.5));
        }
    }

    @Test
    void risesWhenDpoPullsThePolicyAwayFromTheText() {
        HeldoutSft set = heldout(9, 32);
        try (AlignmentTrainer trainer = AlignmentTrainer.create(SHAPE, dpo(1e-2))) {
            double start = set.score(trainer).nllPerToken();
            for (int step = 0; step < 40; step++) {
                trainer.stepPairs(batch(step));
            }
            double after = set.score(trainer).nllPerToken();
            assertThat(after).as("NLL after 40 DPO steps vs %.4f at the start", start).isGreaterThan(start + 0.1);
        }
    }

    @Test
    void aResumedTrainerScoresTheSameAndScoringDoesNotChangeTraining() {
        HeldoutSft set = heldout(9, 16);
        Path checkpoint = dir.resolve("step-3.ckpt");
        double[] continued = new double[2];
        String scoredDigest;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(SHAPE, dpo(1e-2))) {
            for (int step = 0; step < 3; step++) {
                trainer.stepPairs(batch(step));
                set.score(trainer);
            }
            trainer.saveCheckpoint(checkpoint);
            continued[0] = set.score(trainer).nllPerToken();
            trainer.stepPairs(batch(3));
            continued[1] = set.score(trainer).nllPerToken();
            try (Policy policy = trainer.policy()) {
                scoredDigest = policy.digest();
            }
        }
        try (AlignmentTrainer resumed = AlignmentTrainer.resume(checkpoint)) {
            assertThat(set.score(resumed).nllPerToken()).isEqualTo(continued[0]);
            resumed.stepPairs(batch(3));
            assertThat(set.score(resumed).nllPerToken()).isEqualTo(continued[1]);
        }
        try (AlignmentTrainer unscored = AlignmentTrainer.create(SHAPE, dpo(1e-2))) {
            for (int step = 0; step < 4; step++) {
                unscored.stepPairs(batch(step));
            }
            try (Policy policy = unscored.policy()) {
                assertThat(policy.digest()).as("weights trained without scoring").isEqualTo(scoredDigest);
            }
        }
    }

    /**
     * The same scoring on every model the trainer trains: Hugging Face (llama-gqa of the shared hf-tiny fixtures),
     * LoRA adapters over it, and a TorchScript export (the trainer module's test model). It equals the policy's own
     * summed log-probs over the tokens, and a trainer scored between its steps ends with the weights of one that
     * was not.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"hf", "lora", "torchscript"})
    void worksOnEveryModelKindWithoutTouchingTraining(String kind) {
        String[] digests = new String[2];
        for (int run = 0; run < 2; run++) {
            try (AlignmentTrainer trainer = trainer(kind)) {
                int vocab = trainer.modelConfig().vocabSize();
                int length = Math.max(2, Math.min(4, trainer.modelConfig().maxSeqLen() / 3));
                HeldoutSft set = new HeldoutSft(Path.of("heldout.jsonl"), randomExamples(9, 12, vocab, length), 1);
                for (int step = 0; step < 2; step++) {
                    if (run == 0) {
                        HeldoutSft.Score score = set.score(trainer);
                        double summed = 0;
                        try (Policy policy = trainer.policy()) {
                            for (double logProb : policy.completionLogProbs(set.examples())) {
                                summed += logProb;
                            }
                        }
                        assertThat(score.nllPerToken()).as(kind).isCloseTo(-summed / score.tokens(),
                                Offset.offset(1e-5)).isPositive();
                    }
                    trainer.stepPairs(randomPairs(100 + step, 4, vocab, length));
                }
                try (Policy policy = trainer.policy()) {
                    digests[run] = policy.digest();
                }
            }
        }
        assertThat(digests[0]).as(kind + ": weights trained with and without scoring").isEqualTo(digests[1]);
    }

    private static AlignmentTrainer trainer(String kind) {
        TrainingConfig config = dpo(1e-2);
        switch (kind) {
            case "hf":
                return AlignmentTrainer.fromHuggingFace(hfTiny("llama-gqa"), 16, config);
            case "lora":
                return AlignmentTrainer.fromHuggingFace(hfTiny("llama-gqa"), 16, config,
                        new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj"), false, LoraConfig.ReferenceMix.EXACT));
            default:
                // The trainer module's test export (vocab 11, window 8), read from beside this module.
                return AlignmentTrainer.createFromTorchScript(
                        Path.of("../trainer/src/test/resources/torchscript/tiny_gpt.pt"), 11, 8, config);
        }
    }

    private static Path hfTiny(String model) {
        return Path.of("../../shared/data/hf-tiny", model).toAbsolutePath().normalize();
    }

    private static int[] ids(SplitMix64 random, int length, int vocab) {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = (int) Long.remainderUnsigned(random.nextLong(), vocab);
        }
        return out;
    }

    private static List<TokenizedExample> randomExamples(long seed, int count, int vocab, int length) {
        SplitMix64 random = new SplitMix64(seed);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new TokenizedExample("e" + i, ids(random, length, vocab), ids(random, length, vocab)));
        }
        return out;
    }

    private static List<TokenizedPair> randomPairs(long seed, int count, int vocab, int length) {
        SplitMix64 random = new SplitMix64(seed);
        List<TokenizedPair> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new TokenizedPair("p" + seed + "-" + i, ids(random, length, vocab), ids(random, length, vocab),
                    ids(random, length, vocab)));
        }
        return out;
    }

    private static List<TokenizedExample> examples(long seed, int count) {
        List<TokenizedExample> out = new ArrayList<>();
        for (PreferencePair p : PreferenceData.pairs(count, seed)) {
            ExampleEncoder.Encoded e = ENCODER.encode(p.getPrompt(), p.getChosen());
            out.add(new TokenizedExample(p.getId(), e.prompt(), e.completion()));
        }
        return out;
    }
}
