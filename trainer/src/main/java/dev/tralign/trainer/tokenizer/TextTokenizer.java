package dev.tralign.trainer.tokenizer;

/** Text to token ids and back. {@link #decode} drops special tokens (PAD, BOS, EOS). */
public interface TextTokenizer {

    int[] encode(String text);

    String decode(int[] ids);

    /** Ids are in [0, vocabSize); a model for this tokenizer needs at least this vocabulary. */
    int vocabSize();

    int eosId();

    int padId();
}
