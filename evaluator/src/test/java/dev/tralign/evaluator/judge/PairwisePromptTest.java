package dev.tralign.evaluator.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.evaluator.judge.PairwisePrompt.Choice;
import org.junit.jupiter.api.Test;

class PairwisePromptTest {

    @Test
    void readsTheUsualAnswers() {
        assertThat(PairwisePrompt.parse("Output (a)")).isEqualTo(Choice.A);
        assertThat(PairwisePrompt.parse("  output (b)\n")).isEqualTo(Choice.B);
        assertThat(PairwisePrompt.parse("Output b")).isEqualTo(Choice.B);
        assertThat(PairwisePrompt.parse("(a)")).isEqualTo(Choice.A);
        assertThat(PairwisePrompt.parse("b.")).isEqualTo(Choice.B);
        assertThat(PairwisePrompt.parse("**Output (a)**")).isEqualTo(Choice.A);
        assertThat(PairwisePrompt.parse("The better one is Output (b) because it is precise.")).isEqualTo(Choice.B);
    }

    @Test
    void ignoresReasoningBlocks() {
        assertThat(PairwisePrompt.parse("<think>Output (a) is long, output (b) is right</think>Output (b)"))
                .isEqualTo(Choice.B);
    }

    @Test
    void garbageAndAmbiguityAreUnparseable() {
        assertThat(PairwisePrompt.parse(null)).isEqualTo(Choice.UNPARSEABLE);
        assertThat(PairwisePrompt.parse("")).isEqualTo(Choice.UNPARSEABLE);
        assertThat(PairwisePrompt.parse("I cannot decide.")).isEqualTo(Choice.UNPARSEABLE);
        assertThat(PairwisePrompt.parse("Output (a) and Output (b) are equally good")).isEqualTo(Choice.UNPARSEABLE);
        assertThat(PairwisePrompt.parse("output about")).isEqualTo(Choice.UNPARSEABLE);
    }

    @Test
    void promptShowsBothOutputsInOrder() {
        String message = PairwisePrompt.userMessage("Say hi", "FIRST", "SECOND");
        assertThat(message).contains("Say hi");
        assertThat(message.indexOf("## Output (a)\nFIRST")).isPositive()
                .isLessThan(message.indexOf("## Output (b)\nSECOND"));
    }

    @Test
    void swappedAnswersCombineIntoOnePreference() {
        // baseline first: candidate is (b); candidate first: candidate is (a).
        assertThat(OpenAiCompatibleJudge.combine(Choice.B, Choice.A).preference()).isEqualTo(2.0);
        assertThat(OpenAiCompatibleJudge.combine(Choice.A, Choice.B).preference()).isEqualTo(1.0);
        // Always picking the first position is position bias, not preference: a tie.
        assertThat(OpenAiCompatibleJudge.combine(Choice.A, Choice.A).preference()).isEqualTo(1.5);
        assertThat(OpenAiCompatibleJudge.combine(Choice.B, Choice.B).preference()).isEqualTo(1.5);
        assertThat(OpenAiCompatibleJudge.combine(Choice.UNPARSEABLE, Choice.A).isMissing()).isTrue();
        assertThat(OpenAiCompatibleJudge.combine(Choice.B, Choice.UNPARSEABLE).isMissing()).isTrue();
    }
}
