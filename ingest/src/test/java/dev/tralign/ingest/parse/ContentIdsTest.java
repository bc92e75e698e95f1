package dev.tralign.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.FeedbackLabel;
import org.junit.jupiter.api.Test;

class ContentIdsTest {

    @Test
    void fieldBoundariesAreUnambiguous() {
        assertThat(ContentIds.pairId("ab", "c", "d")).isNotEqualTo(ContentIds.pairId("a", "bc", "d"));
        assertThat(ContentIds.pairId("a", "b\u0000", "c")).isNotEqualTo(ContentIds.pairId("a", "b", "\u0000c"));
    }

    @Test
    void idsAreStableSha256HexAndDependOnEveryPart() {
        String id = ContentIds.pairId("p", "c", "r");
        assertThat(id).matches("[0-9a-f]{64}").isEqualTo(ContentIds.pairId("p", "c", "r"));
        assertThat(id).isNotEqualTo(ContentIds.pairId("p", "r", "c"));
        assertThat(ContentIds.feedbackId("p", "c", FeedbackLabel.DESIRABLE))
                .isNotEqualTo(ContentIds.feedbackId("p", "c", FeedbackLabel.UNDESIRABLE))
                .isNotEqualTo(id);
    }

    @Test
    void promptKeyIgnoresSurroundingWhitespace() {
        assertThat(ContentIds.promptKey("  hello\n")).isEqualTo(ContentIds.promptKey("hello"))
                .isNotEqualTo(ContentIds.promptKey("hello!"));
    }
}
