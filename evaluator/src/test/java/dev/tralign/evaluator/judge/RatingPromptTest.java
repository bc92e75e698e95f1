package dev.tralign.evaluator.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RatingPromptTest {

    @Test
    void readsOneLinePerCriterion() {
        String reply = "Coherence: 8\nCorrectness: 7\nLevel of detail: 6.5\nHelpfulness: 9\nHarmlessness: 10\n";
        assertThat(RatingPrompt.parse(reply)).containsExactlyInAnyOrderEntriesOf(Map.of("coherence", 8.0,
                "correctness", 7.0, "detail", 6.5, "helpfulness", 9.0, "harmlessness", 10.0));
    }

    @Test
    void acceptsSnakeCaseAndMarkdownAndDropsOutOfRange() {
        String reply = "**level_of_detail** = 4\n- coherence: 11\n- helpfulness - 3/10\nharmlessness: zero";
        assertThat(RatingPrompt.parse(reply)).containsExactlyInAnyOrderEntriesOf(
                Map.of("detail", 4.0, "helpfulness", 3.0));
    }

    @Test
    void garbageGivesNoRatings() {
        assertThat(RatingPrompt.parse("no idea")).isEmpty();
        assertThat(RatingPrompt.parse(null)).isEmpty();
    }

    @Test
    void promptNamesEveryCriterion() {
        String message = RatingPrompt.userMessage("Explain tides", "The moon pulls.");
        assertThat(message).contains("Explain tides", "The moon pulls.", "coherence", "correctness",
                "level of detail", "helpfulness", "harmlessness");
    }
}
