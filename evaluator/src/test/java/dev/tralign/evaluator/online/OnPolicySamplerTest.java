package dev.tralign.evaluator.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.evaluator.judge.Judge;
import dev.tralign.evaluator.judge.Verdict;
import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.schemas.avro.Generation;
import dev.tralign.schemas.avro.GenerationRole;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.SamplingConfig;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OnPolicySamplerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AlphabetTokenizer TOKENS = new AlphabetTokenizer("abcd");
    private static final CompletionCodec CODEC = new CompletionCodec(TOKENS);
    /** Gold reward: how many 'a' the completion has. */
    private static final Judge COUNT_A = new GoldRewardJudge((prompt, completion) -> completion.chars()
            .filter(c -> c == 'a').count());

    /** Rows of 3 letters chosen by (seed, prompt tokens), then EOS: deterministic like the real sampler. */
    private static final class FakePolicy implements Policy {
        final List<Long> seeds = new ArrayList<>();

        @Override
        public int[][] sample(List<int[]> prompts, SamplingConfig cfg, long seed, int firstRow) {
            seeds.add(seed);
            int[][] out = new int[prompts.size()][];
            for (int i = 0; i < prompts.size(); i++) {
                long h = seed * 31 + java.util.Arrays.hashCode(prompts.get(i));
                out[i] = new int[] {(int) Math.floorMod(h, 4), (int) Math.floorMod(h / 4, 4),
                        (int) Math.floorMod(h / 16, 4), TOKENS.eosId()};
            }
            return out;
        }

        @Override
        public ModelConfig config() {
            throw new UnsupportedOperationException();
        }

        @Override
        public double[] completionLogProbs(List<TokenizedExample> examples) {
            throw new UnsupportedOperationException();
        }

        @Override
        public double[][] tokenLogProbs(List<TokenizedExample> examples) {
            throw new UnsupportedOperationException();
        }

        @Override
        public double[] meanTokenEntropy(List<TokenizedExample> examples) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String digest() {
            return "fake";
        }

        @Override
        public void close() {
        }
    }

    private static List<String> prompts(int n) {
        return IntStream.range(0, n).mapToObj(i -> Integer.toString(i, 4).replace('0', 'a').replace('1', 'b')
                .replace('2', 'c').replace('3', 'd')).toList();
    }

    @Test
    void samplesTwoCompletionsPerPromptAndPublishesThemUnderTheOnlineRunAtTheGivenStep() {
        FakePolicy policy = new FakePolicy();
        OnPolicySampler sampler = new OnPolicySampler(CODEC, prompts(40), COUNT_A, 8, 7, 1.0);
        OnPolicySampler.Round round = sampler.sample(policy, "tr-dpo", 150, T0);

        assertThat(round.onlineRunId()).isEqualTo("tr-dpo.online");
        assertThat(round.step()).isEqualTo(150);
        assertThat(policy.seeds).hasSize(2).doesNotHaveDuplicates();
        assertThat(round.generations()).hasSize(40).allSatisfy(g -> {
            assertThat(g.getRunId()).isEqualTo("tr-dpo.online");
            assertThat(g.getStep()).isEqualTo(150);
            assertThat(g.getRole()).isEqualTo(GenerationRole.POLICY);
        });
        assertThat(round.judgments()).hasSize(40);
        for (int k = 0; k < 40; k++) {
            Generation g = round.generations().get(k);
            Judgment j = round.judgments().get(k);
            assertThat(j.getPromptId()).isEqualTo(g.getPromptId()).isEqualTo("train-" + k);
            assertThat(g.getPrompt()).isEqualTo(prompts(40).get(k));
            assertThat(j.getCandidate()).isEqualTo(g.getCompletion()).hasSize(3);
            assertThat(j.getBaseline()).hasSize(3);
            assertThat(j.getStep()).isEqualTo(150);
            long candidateA = j.getCandidate().chars().filter(c -> c == 'a').count();
            long baselineA = j.getBaseline().chars().filter(c -> c == 'a').count();
            assertThat(j.getPreference()).isEqualTo(candidateA > baselineA ? 2.0 : candidateA < baselineA ? 1.0 : 1.5);
        }
        // Two samples of one prompt differ for some prompts (else there would be no pairs at all).
        assertThat(round.judgments()).anySatisfy(j -> assertThat(j.getCandidate()).isNotEqualTo(j.getBaseline()));
    }

    @Test
    void aRoundIsAPureFunctionOfPolicyStepAndSeed() {
        OnPolicySampler sampler = new OnPolicySampler(CODEC, prompts(30), COUNT_A, 8, 7, 1.0);
        OnPolicySampler.Round a = sampler.sample(new FakePolicy(), "r", 50, T0);
        OnPolicySampler.Round b = sampler.sample(new FakePolicy(), "r", 50, T0);
        OnPolicySampler.Round later = sampler.sample(new FakePolicy(), "r", 100, T0);
        assertThat(b.judgments()).isEqualTo(a.judgments());
        assertThat(later.judgments()).extracting(Judgment::getCandidate)
                .isNotEqualTo(a.judgments().stream().map(Judgment::getCandidate).toList());
    }

    @Test
    void expectedPairsCountsExactlyTheDecisiveJudgments() {
        OnPolicySampler sampler = new OnPolicySampler(CODEC, prompts(60), COUNT_A, 8, 3, 1.0);
        OnPolicySampler.Round round = sampler.sample(new FakePolicy(), "r", 10, T0);
        long decisive = round.judgments().stream().filter(j -> j.getPreference() != 1.5
                && !j.getCandidate().equals(j.getBaseline())).count();
        OnlineFeedbackOptions own = new OnlineFeedbackOptions(0, 1, java.util.regex.Pattern.compile("r\\.online"));
        assertThat(decisive).isBetween(1L, 59L);
        assertThat(round.expectedPairs(own)).isEqualTo((int) decisive);
        OnlineFeedbackOptions other = new OnlineFeedbackOptions(0, 1, java.util.regex.Pattern.compile("x\\.online"));
        assertThat(round.expectedPairs(other)).isZero();
    }

    @Test
    void aFractionOfThePromptsIsSampledPerStepAndTheShareChangesWithTheStep() {
        OnPolicySampler sampler = new OnPolicySampler(CODEC, prompts(2000), COUNT_A, 8, 3, 0.25);
        List<Integer> atZero = sampler.promptsAt(0);
        List<Integer> atFifty = sampler.promptsAt(50);
        // Binomial(2000, 0.25): sd ~19.4; 6 sd either side.
        assertThat(atZero.size()).isBetween(384, 616);
        assertThat(atFifty.size()).isBetween(384, 616);
        assertThat(atFifty).isNotEqualTo(atZero);
        assertThat(sampler.promptsAt(0)).isEqualTo(atZero);
        assertThat(sampler.sample(new FakePolicy(), "r", 50, T0).judgments()).extracting(Judgment::getPromptId)
                .containsExactlyElementsOf(atFifty.stream().map(i -> "train-" + i).toList());
        assertThat(new OnPolicySampler(CODEC, prompts(50), COUNT_A, 8, 3, 1.0).promptsAt(9)).hasSize(50);
    }

    @Test
    void aFailingJudgeFailsTheRoundAndBadSettingsAreRefused() {
        Judge down = new Judge() {
            @Override
            public String name() {
                return "llm:down";
            }

            @Override
            public Verdict judge(String prompt, String candidate, String baseline) {
                throw new IllegalStateException("judge endpoint unreachable");
            }
        };
        OnPolicySampler sampler = new OnPolicySampler(CODEC, prompts(5), down, 8, 3, 1.0);
        assertThatThrownBy(() -> sampler.sample(new FakePolicy(), "r", 1, T0))
                .hasMessageContaining("judge endpoint unreachable");
        assertThatThrownBy(() -> new OnPolicySampler(CODEC, List.of(), COUNT_A, 8, 3, 1.0))
                .hasMessageContaining("at least one training prompt");
        assertThatThrownBy(() -> new OnPolicySampler(CODEC, prompts(5), COUNT_A, 8, 3, 0.0))
                .hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new OnPolicySampler(CODEC, prompts(5), COUNT_A, 8, 3, 1.5))
                .hasMessageContaining("(0, 1]");
    }
}
