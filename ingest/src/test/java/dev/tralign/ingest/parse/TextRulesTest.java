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

    @Test
    void equalAfterStripAgreesWithStripThenEquals() {
        java.util.Random random = new java.util.Random(11);
        char[] alphabet = {'a', 'b', ' ', '\n', '\t', '\u2003', '\u00a0', '\u2019'};
        for (int round = 0; round < 20_000; round++) {
            String a = randomText(random, alphabet);
            String b = random.nextBoolean() ? randomText(random, alphabet) : " " + a.strip() + "\n";
            assertThat(TextRules.equalAfterStrip(a, b)).as("'%s' vs '%s'", a, b).isEqualTo(a.strip().equals(b.strip()));
        }
    }

    @Test
    void nfcInertCharactersNeverChangeUnderNfcWhateverSurroundsThem() {
        // Neighbours: everything below U+3000 that is NFC on its own (letters, combining marks, jamo...).
        java.util.List<String> neighbours = new java.util.ArrayList<>();
        for (char p = 1; p < 0x3000; p++) {
            String s = String.valueOf(p);
            if (!Character.isSurrogate(p) && java.text.Normalizer.isNormalized(s, java.text.Normalizer.Form.NFC)) {
                neighbours.add(s);
            }
        }
        for (char c = 0x300; c < 0x3000; c++) {
            if (!TextRules.isNfcInert(c)) {
                continue;
            }
            String s = String.valueOf(c);
            assertThat(java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD)).as("U+%04X", (int) c)
                    .isEqualTo(s);
            for (String p : neighbours) {
                // A text of inert characters is NFC, and one before a neighbour neither composes with it nor is
                // reordered (ccc 0), nor does a neighbour before it compose with it (quick check Yes, not Maybe).
                if (TextRules.isNfcInert(p.charAt(0))) {
                    assertThat(java.text.Normalizer.isNormalized(p + s, java.text.Normalizer.Form.NFC)).isTrue();
                }
                assertThat(java.text.Normalizer.normalize(p + s, java.text.Normalizer.Form.NFC))
                        .as("U+%04X after U+%04X", (int) c, (int) p.charAt(0))
                        .isEqualTo(java.text.Normalizer.normalize(p, java.text.Normalizer.Form.NFC) + s);
                assertThat(java.text.Normalizer.normalize(s + p, java.text.Normalizer.Form.NFC))
                        .as("U+%04X before U+%04X", (int) c, (int) p.charAt(0))
                        .isEqualTo(s + java.text.Normalizer.normalize(p, java.text.Normalizer.Form.NFC));
            }
        }
    }

    @Test
    void blockwiseScanOfMostlyAsciiTextAgreesWithTheDefinitions() {
        // Long runs of printable ASCII (scanned 8 chars at a time) with a rare special at every block offset.
        java.util.Random random = new java.util.Random(11);
        char[] specials = {'\n', '\t', '\r', '\u0000', '\u001f', '\u007e', '\u007f', '\u0080', '\u009f', '\u00a0',
            '\u00e9', '\u02ff', '\u0300', '\u2019', '\u2028', '\u205f', '\uFEFF', '\uD83D', '\uDE00', '\u4e2d'};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                text.append(random.nextInt(12) == 0 ? specials[random.nextInt(specials.length)]
                        : (char) (0x20 + random.nextInt(0x5F)));
            }
            String s = text.toString();
            TextRules.Scan scan = TextRules.scan(s);
            assertThat(scan.loneSurrogate()).as(s).isEqualTo(TextRules.firstLoneSurrogate(s));
            if (scan.loneSurrogate() < 0) {
                boolean clean = s.chars().noneMatch(c -> c == '\r' || c != '\n' && c != '\t'
                        && (c < 0x20 || c >= 0x7F && c <= 0x9F || c == 0xFEFF));
                boolean inert = s.chars().allMatch(c -> TextRules.isNfcInert((char) c));
                assertThat(scan).as(s).isEqualTo(new TextRules.Scan(-1,
                        s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, clean, inert));
            }
        }
    }

    private static String randomText(java.util.Random random, char[] alphabet) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            text.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return text.toString();
    }
}
