package dev.tralign.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

    private static int check(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Utf8.firstInvalid(b, 0, b.length);
    }

    @Test
    void acceptsEveryLengthOfValidSequence() {
        byte[] text = "a \u00e9 \u20ac \uD83D\uDE00 \uFFFD \u0800 \uD7FF \uE000 \uDBFF\uDFFF".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.firstInvalid(text, 0, text.length)).isEqualTo(-1);
    }

    @Test
    void rejectsTheClassicInvalidForms() {
        assertThat(check('a', 0x80)).as("stray continuation").isEqualTo(1);
        assertThat(check(0xC0, 0xAF)).as("overlong 2-byte").isZero();
        assertThat(check(0xE0, 0x80, 0xAF)).as("overlong 3-byte").isZero();
        assertThat(check(0xF0, 0x80, 0x80, 0xAF)).as("overlong 4-byte").isZero();
        assertThat(check(0xED, 0xA0, 0x80)).as("encoded surrogate").isZero();
        assertThat(check(0xF4, 0x90, 0x80, 0x80)).as("above U+10FFFF").isZero();
        assertThat(check(0xF5, 0x80, 0x80, 0x80)).as("F5 start").isZero();
        assertThat(check('x', 0xE2, 0x82)).as("truncated").isEqualTo(1);
        assertThat(check(0xC3, 0x28)).as("bad continuation").isZero();
        assertThat(check(0xFF)).isZero();
    }

    @Test
    void agreesWithTheJdkStrictDecoderOnRandomBytes() {
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(8)];
            random.nextBytes(bytes);
            boolean jdkValid;
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
                jdkValid = true;
            } catch (CharacterCodingException e) {
                jdkValid = false;
            }
            assertThat(Utf8.firstInvalid(bytes, 0, bytes.length) < 0).as(java.util.Arrays.toString(bytes))
                    .isEqualTo(jdkValid);
        }
    }

    @Test
    void wordAtATimeAsciiRunsAgreeWithTheJdkOnLongerMixedInput() {
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextInt(12) == 0 ? (byte) random.nextInt(256) : (byte) ('a' + random.nextInt(26));
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            byte[] slice = java.util.Arrays.copyOfRange(bytes, from, bytes.length);
            boolean jdkValid;
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(slice));
                jdkValid = true;
            } catch (CharacterCodingException e) {
                jdkValid = false;
            }
            int invalid = Utf8.firstInvalid(bytes, from, bytes.length);
            assertThat(invalid < 0).as(java.util.Arrays.toString(slice)).isEqualTo(jdkValid);
            if (invalid >= 0) {
                // The reported byte is the first one no valid sequence starts at: everything before it is valid.
                assertThat(Utf8.firstInvalid(bytes, from, invalid)).isEqualTo(-1);
                assertThat(bytes[invalid] < 0).isTrue();
            }
        }
    }
}
