package dev.tralign.app.demo;

import dev.tralign.app.world.SyntheticWorld;
import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import java.util.Arrays;

/**
 * Turns the world's letter strings into token ids and back. Completions end with EOS, so the SFT model learns when to
 * stop and preference losses see the end decision too (as TRL appends EOS to chosen and rejected).
 */
public final class WorldTokens {

    private final AlphabetTokenizer tokenizer;
    private final int maxSeqLen;

    public WorldTokens(SyntheticWorld world) {
        this.tokenizer = new AlphabetTokenizer(world.alphabet());
        this.maxSeqLen = world.config().promptLength() + world.config().maxCompletionLength() + 1;
    }

    public AlphabetTokenizer tokenizer() {
        return tokenizer;
    }

    public int maxSeqLen() {
        return maxSeqLen;
    }

    public int maxNewTokens() {
        return maxSeqLen;
    }

    public ModelConfig modelConfig(int embed, int layers, int heads) {
        return new ModelConfig(tokenizer.vocabSize(), embed, layers, heads, maxSeqLen);
    }

    public int[] prompt(String prompt) {
        return tokenizer.encode(prompt);
    }

    public int[] completion(String completion) {
        int[] letters = tokenizer.encode(completion);
        int[] withEos = Arrays.copyOf(letters, letters.length + 1);
        withEos[letters.length] = tokenizer.eosId();
        return withEos;
    }

    public TokenizedExample example(String id, String prompt, String completion) {
        return new TokenizedExample(id, prompt(prompt), completion(completion));
    }

    public TokenizedPair pair(String id, String prompt, String chosen, String rejected) {
        return new TokenizedPair(id, prompt(prompt), completion(chosen), completion(rejected));
    }
}
