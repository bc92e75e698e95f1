package dev.tralign.evaluator.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Composite record keys such as runId/step/promptId. Each part has '\' and '/' escaped, so a run id containing
 * '/' cannot make two different (run, step, prompt) triples share a key; plain ids read as runId/step/promptId.
 */
public final class Keys {

    private Keys() {
    }

    /** Joins the parts with '/'. */
    public static String of(Object... parts) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                key.append('/');
            }
            key.append(String.valueOf(parts[i]).replace("\\", "\\\\").replace("/", "\\/"));
        }
        return key.toString();
    }

    /** Splits a key made by {@link #of} back into its parts. */
    public static List<String> parts(String key) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\' && i + 1 < key.length()) {
                part.append(key.charAt(++i));
            } else if (c == '/') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    /** Key of a WinRate: runId/step. */
    public static String step(String runId, long step) {
        return of(runId, step);
    }
}
