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

    @Test
    void idsEqualTheDefinitionOnRandomTextWithEveryKindOfCharacter() throws Exception {
        java.util.Random random = new java.util.Random(3);
        char[] alphabet = {'a', ' ', '\n', '\u0000', '\u00e9', '\u07ff', '\u0800', '\u2019', '\uffff', '\uD83D',
            '\uDE00', '\uDBFF', '\uDFFF'};
        for (int round = 0; round < 5_000; round++) {
            String[] parts = new String[3];
            for (int p = 0; p < 3; p++) {
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(round < 100 ? 6000 : 12); i > 0; i--) {
                    text.append(alphabet[random.nextInt(alphabet.length)]);
                }
                parts[p] = text.toString();
            }
            // The definition: sha256 over the tag, then each part as a 4-byte big-endian length and its UTF-8.
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update("pair".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (String part : parts) {
                byte[] bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                digest.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
                digest.update(bytes);
            }
            assertThat(ContentIds.pairId(parts[0], parts[1], parts[2]))
                    .isEqualTo(java.util.HexFormat.of().formatHex(digest.digest()));
        }
    }
}
