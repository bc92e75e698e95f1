package dev.tralign.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceCollatorTest {

    @Test
    void shiftsTargetsMasksThePromptAndRightPads() {
        SequenceBatch b = new SequenceCollator(8, 9).collate(List.of(new int[] {1, 2}, new int[] {3}),
                List.of(new int[] {4, 5, 6}, new int[] {7}));
        assertThat(b.rows()).isEqualTo(2);
        assertThat(b.width()).isEqualTo(4);
        assertThat(b.inputIds()).containsExactly(1, 2, 4, 5, 3, 9, 9, 9);
        assertThat(b.targetIds()).containsExactly(2, 4, 5, 6, 7, 0, 0, 0);
        assertThat(b.completionMask()).containsExactly(0, 1, 1, 1, 1, 0, 0, 0);
        assertThat(b.completionLengths()).containsExactly(3, 1);
        assertThat(b.tokenCount()).isEqualTo(5);
        assertThat(b.truncatedPrompts() + b.truncatedCompletions()).isZero();
    }

    @Test
    void cutsThePromptOnTheLeftAndTheCompletionOnTheRight() {
        SequenceCollator collator = new SequenceCollator(6, 0);
        SequenceBatch longPrompt = collator.collate(List.of(new int[] {1, 2, 3, 4, 5}), List.of(new int[] {6, 7}));
        assertThat(longPrompt.inputIds()).containsExactly(2, 3, 4, 5, 6);
        assertThat(longPrompt.targetIds()).containsExactly(3, 4, 5, 6, 7);
        assertThat(longPrompt.truncatedPrompts()).isEqualTo(1);
        SequenceBatch both = collator.collate(List.of(new int[] {1, 2, 3, 4, 5}),
                List.of(new int[] {6, 7, 8, 9, 10, 11}));
        // The prompt keeps half the window (3 tokens), the completion the rest (3 tokens).
        assertThat(both.inputIds()).containsExactly(3, 4, 5, 6, 7);
        assertThat(both.targetIds()).containsExactly(4, 5, 6, 7, 8);
        assertThat(both.truncatedPrompts()).isEqualTo(1);
        assertThat(both.truncatedCompletions()).isEqualTo(1);
        assertThat(both.completionLengths()).containsExactly(3);
    }

    @Test
    void anEmptyPromptCannotScoreTheFirstCompletionToken() {
        SequenceBatch b = new SequenceCollator(8, 0).collate(List.of(new int[0]), List.of(new int[] {4, 5}));
        assertThat(b.completionLengths()).containsExactly(1);
        assertThat(b.targetIds()).containsExactly(5);
    }
}
