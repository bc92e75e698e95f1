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

    @Test
    void onePassScanAgreesWithTheSeparateRulesOnRandomText() {
        java.util.Random random = new java.util.Random(7);
        char[] alphabet = {'a', ' ', '\n', '\t', '\r', '\u0000', '\u007f', '\u0085', '\u00e9', '\u0301', '\u2019',
            '\uFEFF', '\uD83D', '\uDE00', '\u4e2d', 'e'};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = text.toString();
            TextRules.Scan scan = TextRules.scan(s);
            assertThat(scan.loneSurrogate()).as(s).isEqualTo(TextRules.firstLoneSurrogate(s));
            if (scan.loneSurrogate() < 0) {
                assertThat(scan.utf8Length()).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                assertThat(TextRules.normalise(s, scan)).isEqualTo(TextRules.normalise(s));
            }
        }
    }
}
