package dev.tralign.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextRulesTest {

    @Test
    void findsLoneSurrogatesButAcceptsPairs() {
        assertThat(TextRules.firstLoneSurrogate("ok \uD83D\uDE00 emoji")).isEqualTo(-1);
        assertThat(TextRules.firstLoneSurrogate("ab\uD83D")).isEqualTo(2);
        assertThat(TextRules.firstLoneSurrogate("\uDE00ab")).isEqualTo(0);
        assertThat(TextRules.firstLoneSurrogate("a\uD83Db")).isEqualTo(1);
    }

    @Test
    void normaliseKeepsTabsAndNewlinesAndDropsOtherControls() {
        assertThat(TextRules.normalise("a\tb\nc\u0001\u007f\u0085d")).isEqualTo("a\tb\ncd");
        assertThat(TextRules.normalise("x\r\n\r\ny")).isEqualTo("x\n\ny");
    }
}
