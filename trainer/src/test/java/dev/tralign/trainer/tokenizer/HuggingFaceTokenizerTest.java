package dev.tralign.trainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HuggingFaceTokenizerTest {

    private static Path tokenizerJson() throws URISyntaxException {
        return Path.of(HuggingFaceTokenizerTest.class.getResource("/tiny-tokenizer.json").toURI());
    }

    @Test
    void loadsTokenizerJsonOfflineAndRoundTrips() throws Exception {
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.load(tokenizerJson(), "</s>", "<pad>")) {
            assertThat(tokenizer.encode("hello good world")).containsExactly(3, 5, 4);
            assertThat(tokenizer.decode(new int[] {3, 6, 1})).isEqualTo("hello bad");
            assertThat(tokenizer.vocabSize()).isEqualTo(7);
            assertThat(tokenizer.eosId()).isEqualTo(1);
            assertThat(tokenizer.padId()).isZero();
        }
    }

    @Test
    void unknownSpecialTokenIsRejectedByName() {
        assertThatThrownBy(() -> HuggingFaceTokenizer.load(tokenizerJson(), "<eos>", "<pad>"))
                .hasMessageContaining("eosToken '<eos>'");
    }
}
