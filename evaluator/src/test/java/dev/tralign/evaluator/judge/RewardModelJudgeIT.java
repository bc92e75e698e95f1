package dev.tralign.evaluator.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.StepResult;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import dev.tralign.trainer.tokenizer.ByteTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RewardModelJudge} over a real DJL checkpoint SFT-trained in the test on three prompt/completion pairs. */
class RewardModelJudgeIT {

    private static final String ALPHABET = "abcd";
    private static final AlphabetTokenizer TOKENIZER = new AlphabetTokenizer(ALPHABET);
    /** prompt -> the completion the model is SFT-trained to write. */
    private static final Map<String, String> TRAINED = Map.of("ab", "cdcd", "ba", "dcdc", "cc", "abab");
    private static final int SFT_STEPS = 60;

    @TempDir
    static Path dir;
    private static Policy sft;
    private static RewardModelJudge judge;

    @BeforeAll
    static void trainAndLoad() {
        List<TokenizedExample> batch = new ArrayList<>();
        TRAINED.forEach((prompt, completion) -> batch.add(new TokenizedExample(prompt, TOKENIZER.encode(prompt),
                withEos(completion))));
        Path checkpoint = dir.resolve("sft.ckpt");
        try (AlignmentTrainer trainer = AlignmentTrainer.create(new ModelConfig(TOKENIZER.vocabSize(), 16, 1, 2, 16),
                TrainingConfig.builder().lossType("sft").learningRate(1e-2).maxSteps(SFT_STEPS).seed(5).build())) {
            StepResult first = trainer.stepSft(batch);
            StepResult last = first;
            for (int step = 1; step < SFT_STEPS; step++) {
                last = trainer.stepSft(batch);
            }
            // The premise of the test: the model did learn the completions.
            assertThat(last.metrics().get("nll_per_token")).isLessThan(first.metrics().get("nll_per_token") / 3);
            trainer.saveCheckpoint(checkpoint);
        }
        sft = Policy.load(checkpoint);
        judge = new RewardModelJudge("sft-test", sft, TOKENIZER);
    }

    @AfterAll
    static void close() {
        if (sft != null) {
            sft.close();
        }
    }

    @Test
    void aCompletionTheModelWasTrainedOnBeatsRandomTextFromEitherSide() {
        Random random = new Random(11);
        TRAINED.forEach((prompt, trained) -> {
            for (int i = 0; i < 5; i++) {
                String text = randomText(random, trained);
                Verdict candidateTrained = judge.judge(prompt, trained, text);
                assertThat(candidateTrained.preference()).as(prompt + ": " + trained + " vs " + text).isEqualTo(2.0);
                assertThat(candidateTrained.candidateScore()).isGreaterThan(candidateTrained.baselineScore())
                        .isLessThanOrEqualTo(0.0);
                Verdict baselineTrained = judge.judge(prompt, text, trained);
                assertThat(baselineTrained.preference()).isEqualTo(1.0);
                assertThat(baselineTrained.candidateScore()).isEqualTo(candidateTrained.baselineScore(), within(1e-5));
            }
        });
    }

    @Test
    void identicalCompletionsTieWithEqualScores() {
        for (String completion : List.of("cdcd", "bbad", "")) {
            Verdict verdict = judge.judge("ab", completion, completion);
            assertThat(verdict.preference()).isEqualTo(1.5);
            assertThat(verdict.candidateScore()).isNotNaN().isEqualTo(verdict.baselineScore());
        }
    }

    @Test
    void theScoreIsTheMeanLogProbPerTokenOfTheCompletionWithEos() {
        Verdict verdict = judge.judge("ba", "dcdc", "a");
        double[][] tokens = sft.tokenLogProbs(List.of(
                new TokenizedExample("c", TOKENIZER.encode("ba"), withEos("dcdc")),
                new TokenizedExample("b", TOKENIZER.encode("ba"), withEos("a"))));
        assertThat(tokens[0]).hasSize(5);
        assertThat(verdict.candidateScore()).isCloseTo(Arrays.stream(tokens[0]).average().orElseThrow(), within(1e-5));
        assertThat(verdict.baselineScore()).isCloseTo(Arrays.stream(tokens[1]).average().orElseThrow(), within(1e-5));
        assertThat(verdict.ratings()).isEmpty();
    }

    @Test
    void judgeAllKeepsInputOrderAndTextOutsideTheAlphabetIsMissing() {
        List<Verdict> verdicts = judge.judgeAll(List.of(
                new Comparison("ab", "cdcd", "bbbb"),
                new Comparison("ab", "cdcz", "bbbb"),
                new Comparison("cc", "dddd", "abab")));

        assertThat(verdicts).extracting(Verdict::preference).containsExactly(2.0, null, 1.0);
        assertThat(verdicts.get(1).missingReason()).contains("cannot tokenize").contains("z");
        assertThat(judge.name()).isEqualTo("reward-model:sft-test");
    }

    @Test
    void refusesATokenizerLargerThanTheModelsVocabulary() {
        assertThatThrownBy(() -> new RewardModelJudge("bytes", sft, new ByteTokenizer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trained with");
    }

    private static String randomText(Random random, String avoid) {
        String text;
        do {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            text = out.toString();
        } while (text.equals(avoid));
        return text;
    }

    private static int[] withEos(String completion) {
        int[] ids = TOKENIZER.encode(completion);
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = TOKENIZER.eosId();
        return out;
    }
}
