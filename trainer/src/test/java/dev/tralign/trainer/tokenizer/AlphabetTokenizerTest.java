package dev.tralign.trainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlphabetTokenizerTest {

    private final AlphabetTokenizer tokenizer = new AlphabetTokenizer("abc d");

    @Test
    void oneIdPerCharacterInAlphabetOrderThenSpecials() {
        assertThat(tokenizer.encode("cab d")).containsExactly(2, 0, 1, 3, 4);
        assertThat(tokenizer.vocabSize()).isEqualTo(8);
        assertThat(tokenizer.padId()).isEqualTo(5);
        assertThat(tokenizer.bosId()).isEqualTo(6);
        assertThat(tokenizer.eosId()).isEqualTo(7);
    }

    @Test
    void decodeInvertsEncodeAndDropsSpecials() {
        int[] ids = tokenizer.encode("dab c");
        int[] withSpecials = new int[ids.length + 2];
        withSpecials[0] = tokenizer.bosId();
        System.arraycopy(ids, 0, withSpecials, 1, ids.length);
        withSpecials[withSpecials.length - 1] = tokenizer.eosId();
        assertThat(tokenizer.decode(withSpecials)).isEqualTo("dab c");
    }

    @Test
    void unknownCharacterIsNamedWithItsPosition() {
        assertThatThrownBy(() -> tokenizer.encode("abz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'z'").hasMessageContaining("position 2");
    }

    @Test
    void rejectsRepeatedOrEmptyAlphabetAndOutOfRangeIds() {
        assertThatThrownBy(() -> new AlphabetTokenizer("aba")).hasMessageContaining("repeats");
        assertThatThrownBy(() -> new AlphabetTokenizer("")).hasMessageContaining("at least one");
        assertThatThrownBy(() -> tokenizer.decode(new int[] {8})).hasMessageContaining("outside");
    }
}
