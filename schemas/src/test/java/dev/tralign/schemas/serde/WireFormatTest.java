package dev.tralign.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void headerIsMagicZeroThenBigEndianId() {
        assertThat(WireFormat.header(0x01020304)).containsExactly(0, 1, 2, 3, 4);
        assertThat(WireFormat.header(1)).containsExactly(0, 0, 0, 0, 1);
    }

    @Test
    void readsBackTheIdItWrote() {
        byte[] framed = new byte[] {0, 0, 0, 1, 44, 7};
        assertThat(WireFormat.schemaId("t", framed)).isEqualTo(300);
        assertThat(WireFormat.schemaId("t", WireFormat.header(123_456))).isEqualTo(123_456);
    }

    @Test
    void tooShortNamesTopicAndLength() {
        assertThatThrownBy(() -> WireFormat.schemaId("tralign.preferences", new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("tralign.preferences").hasMessageContaining("3 bytes");
    }

    @Test
    void unknownMagicByteIsNamed() {
        assertThatThrownBy(() -> WireFormat.schemaId("t", new byte[] {1, 0, 0, 0, 1}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("0x01");
    }

    @Test
    void jsonTextGetsAHint() {
        byte[] json = "{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> WireFormat.schemaId("t", json)).hasMessageContaining("looks like JSON");
    }

    @Test
    void nonPositiveIdIsCorrupt() {
        assertThatThrownBy(() -> WireFormat.schemaId("t", new byte[] {0, 0, 0, 0, 0, 2}))
                .hasMessageContaining("schema id 0");
    }
}
