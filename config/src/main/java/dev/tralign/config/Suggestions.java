package dev.tralign.config;

import java.util.Collection;
import java.util.Comparator;

/** "did you mean ...?" hints for misspelt keys and values (Levenshtein distance, case-insensitive). */
public final class Suggestions {

    private Suggestions() {
    }

    /** " (did you mean 'x'?)" for the closest candidate within a third of the word's length, else "". */
    public static String hint(String word, Collection<String> candidates) {
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        int limit = Math.max(2, lower.length() / 3);
        return candidates.stream()
                .min(Comparator.comparingInt((String c) -> distance(lower, c.toLowerCase(java.util.Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .filter(c -> distance(lower, c.toLowerCase(java.util.Locale.ROOT)) <= limit)
                .map(c -> " (did you mean '" + c + "'?)")
                .orElse("");
    }

    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
