package dev.tralign.trainer.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * One token per character of a fixed alphabet (ids 0..n-1 in alphabet order), then PAD = n, BOS = n+1, EOS = n+2.
 * The synthetic world's language is written in such an alphabet. Unknown characters are an error that names the
 * character and its position.
 */
public final class AlphabetTokenizer implements TextTokenizer {

    private final String alphabet;
    private final int[] codePoints;
    private final Map<Integer, Integer> ids = new HashMap<>();

    public AlphabetTokenizer(String alphabet) {
        if (alphabet == null || alphabet.isEmpty()) {
            throw new IllegalArgumentException("alphabet must contain at least one character");
        }
        this.alphabet = alphabet;
        this.codePoints = alphabet.codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            if (ids.put(codePoints[i], i) != null) {
                throw new IllegalArgumentException("alphabet repeats the character '"
                        + new String(Character.toChars(codePoints[i])) + "' (at position " + i + ")");
            }
        }
    }

    public String alphabet() {
        return alphabet;
    }

    @Override
    public int[] encode(String text) {
        int[] points = text.codePoints().toArray();
        int[] out = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            Integer id = ids.get(points[i]);
            if (id == null) {
                throw new IllegalArgumentException("character '" + new String(Character.toChars(points[i]))
                        + "' (U+" + String.format("%04X", points[i]) + ") at position " + i
                        + " is not in the alphabet \"" + alphabet + "\"");
            }
            out[i] = id;
        }
        return out;
    }

    @Override
    public String decode(int[] tokenIds) {
        StringBuilder sb = new StringBuilder(tokenIds.length);
        for (int id : tokenIds) {
            if (id < 0 || id >= vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside [0, " + vocabSize() + ")");
            }
            if (id < codePoints.length) {
                sb.appendCodePoint(codePoints[id]);
            }
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return codePoints.length + 3;
    }

    @Override
    public int padId() {
        return codePoints.length;
    }

    public int bosId() {
        return codePoints.length + 1;
    }

    @Override
    public int eosId() {
        return codePoints.length + 2;
    }
}
