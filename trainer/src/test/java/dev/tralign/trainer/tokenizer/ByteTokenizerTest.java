package dev.tralign.trainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteTokenizerTest {

    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @Test
    void utf8BytesRoundTripAndSpecialsAreDropped() {
        int[] ids = tokenizer.encode("hé!");
        assertThat(ids).containsExactly('h', 0xc3, 0xa9, '!');
        int[] withEos = java.util.Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = tokenizer.eosId();
        assertThat(tokenizer.decode(withEos)).isEqualTo("hé!");
        assertThat(tokenizer.vocabSize()).isEqualTo(259);
        assertThat(tokenizer.padId()).isNotEqualTo(tokenizer.eosId());
    }
}
