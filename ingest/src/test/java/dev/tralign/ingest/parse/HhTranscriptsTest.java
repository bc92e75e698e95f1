package dev.tralign.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HhTranscriptsTest {

    @Test
    void promptEndsAtTheLastAssistantMarkerInsideTheSharedPrefix() {
        // The transcripts share "...Assistant: I" too; the split must not cut inside the answer.
        HhTranscripts.Split split = HhTranscripts.split("\n\nHuman: q\n\nAssistant: I agree",
                "\n\nHuman: q\n\nAssistant: I refuse").orElseThrow();

        assertThat(split.prompt()).isEqualTo("\n\nHuman: q\n\nAssistant:");
        assertThat(split.chosen()).isEqualTo(" I agree");
        assertThat(split.rejected()).isEqualTo(" I refuse");
    }

    @Test
    void markerCutInHalfByTheDivergenceIsNotUsed() {
        // Diverge in the middle of the second marker: the first full marker is the split point.
        HhTranscripts.Split split = HhTranscripts.split("\n\nHuman: q\n\nAssistant: a\n\nAssistant: x",
                "\n\nHuman: q\n\nAssistant: a\n\nAssist").orElseThrow();
        assertThat(split.prompt()).isEqualTo("\n\nHuman: q\n\nAssistant:");
    }

    @Test
    void noSharedHistoryGivesNothing() {
        assertThat(HhTranscripts.split("\n\nHuman: a\n\nAssistant: x", "\n\nHuman: b\n\nAssistant: x")).isEmpty();
        assertThat(HhTranscripts.split("", "")).isEmpty();
    }
}
