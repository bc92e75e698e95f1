package dev.tralign.ingest.parse;

import java.util.Arrays;
import java.util.Optional;

/**
 * Splits two Anthropic HH-RLHF transcripts into the shared prompt and the two completions: the prompt is the
 * longest common prefix that ends with "\n\nAssistant:" (as TRL's extract_anthropic_prompt), the completions
 * are what follows it.
 */
public final class HhTranscripts {

    /** The marker that ends every prompt. */
    public static final String ASSISTANT_MARKER = "\n\nAssistant:";

    private HhTranscripts() {
    }

    /** The shared prompt and the two completions. */
    public record Split(String prompt, String chosen, String rejected) {
    }

    /** Splits chosen/rejected transcripts, or empty when they share no history ending with the marker. */
    public static Optional<Split> split(String chosen, String rejected) {
        int common = commonPrefixLength(chosen, rejected);
        int marker = chosen.lastIndexOf(ASSISTANT_MARKER, common - ASSISTANT_MARKER.length());
        if (common < ASSISTANT_MARKER.length() || marker < 0) {
            return Optional.empty();
        }
        int end = marker + ASSISTANT_MARKER.length();
        return Optional.of(new Split(chosen.substring(0, end), chosen.substring(end), rejected.substring(end)));
    }

    static int commonPrefixLength(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int mismatch = Arrays.mismatch(Chars.of(a, 0), 0, n, Chars.of(b, 1), 0, n);
        return mismatch < 0 ? n : mismatch;
    }
}
