package dev.tralign.evaluator.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeBasicsTest {

    /** Toy gold reward: number of 'x' in the completion. */
    private static double countX(String prompt, String completion) {
        return completion.chars().filter(c -> c == 'x').count();
    }

    @Test
    void goldJudgePrefersTheHigherRewardAndTiesOnEqual() {
        GoldRewardJudge judge = new GoldRewardJudge(JudgeBasicsTest::countX);
        Verdict win = judge.judge("p", "xxx", "x");
        assertThat(win.preference()).isEqualTo(2.0);
        assertThat(win.candidateScore()).isEqualTo(3.0);
        assertThat(win.baselineScore()).isEqualTo(1.0);
        assertThat(win.ratings()).containsEntry("gold", 3.0);
        assertThat(judge.judge("p", "", "xx").preference()).isEqualTo(1.0);
        assertThat(judge.judge("p", "xa", "bx").preference()).isEqualTo(1.5);
        assertThat(judge.judgeAll(List.of(new Comparison("p", "x", "")))).extracting(Verdict::preference)
                .containsExactly(2.0);
    }

    @Test
    void goldJudgeTreatsNanAsMissing() {
        GoldRewardJudge judge = new GoldRewardJudge((p, c) -> c.isEmpty() ? Double.NaN : 1.0);
        assertThat(judge.judge("p", "", "y").isMissing()).isTrue();
    }

    @Test
    void backoffDoublesUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(350));
        assertThat(backoff.delayBeforeRetry(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delayBeforeRetry(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delayBeforeRetry(3)).isEqualTo(Duration.ofMillis(350));
        assertThat(backoff.delayBeforeRetry(60)).isEqualTo(Duration.ofMillis(350));
    }

    @Test
    void configRejectsBadValuesNamingTheOption() {
        assertThatThrownBy(() -> OpenAiJudgeConfig.builder("localhost:8000", "m").build())
                .hasMessageContaining(OpenAiJudgeConfig.BASE_URL);
        assertThatThrownBy(() -> OpenAiJudgeConfig.builder("http://localhost:8000/v1", " ").build())
                .hasMessageContaining(OpenAiJudgeConfig.MODEL);
        assertThatThrownBy(() -> OpenAiJudgeConfig.builder("http://h/v1", "m").optMaxConcurrency(0).build())
                .hasMessageContaining(OpenAiJudgeConfig.MAX_CONCURRENCY);
        assertThatThrownBy(() -> OpenAiJudgeConfig.builder("http://h/v1", "m").optMaxRetries(-1).build())
                .hasMessageContaining(OpenAiJudgeConfig.MAX_RETRIES);
        assertThatThrownBy(() -> OpenAiJudgeConfig.builder("http://h/v1", "m")
                .optRequestTimeout(Duration.ZERO).build())
                .hasMessageContaining(OpenAiJudgeConfig.REQUEST_TIMEOUT);
        assertThatThrownBy(() -> OpenAiJudgeConfig.builder("http://h/v1", "m")
                .optBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .hasMessageContaining(OpenAiJudgeConfig.MAX_BACKOFF);
    }

    @Test
    void configNeverShowsTheKey() {
        OpenAiJudgeConfig config = OpenAiJudgeConfig.builder("http://h/v1/", "m").optApiKey("sk-secret-42").build();
        assertThat(config.toString()).doesNotContain("sk-secret-42").contains("apiKey=***");
        assertThat(new OpenAiCompatibleJudge(config).toString()).doesNotContain("sk-secret-42");
        assertThat(config.chatCompletionsUri().toString()).isEqualTo("http://h/v1/chat/completions");
        assertThat(OpenAiJudgeConfig.builder("http://h/v1", "m").optApiKey("  ").build().apiKey()).isNull();
    }
}
