package dev.tralign.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the conversation back out of ingest's HH-style transcripts ({@code "\n\nHuman: ...\n\nAssistant: ..."}; ingest
 * renders TRL's conversational records and Anthropic's HH-RLHF pairs this way), as the message maps a chat template
 * takes ({@code role} user | assistant | system, {@code content}).
 */
public final class HhTranscript {

    /** What ends a prompt transcript: the assistant's turn begins. */
    public static final String ASSISTANT_MARKER = "\n\nAssistant:";
    private static final Pattern TURN = Pattern.compile("\n\n(Human|Assistant|System):");
    private static final Map<String, String> ROLES = Map.of("Human", "user", "Assistant", "assistant", "System",
            "system");

    private HhTranscript() {
    }

    /**
     * The messages of a prompt transcript (without the final, empty assistant turn), or empty when the prompt is
     * not a transcript (plain prompt text).
     */
    public static Optional<List<Map<String, Object>>> promptMessages(String prompt) {
        if (!prompt.endsWith(ASSISTANT_MARKER) || !TURN.matcher(prompt).lookingAt()) {
            return Optional.empty();
        }
        List<Map<String, Object>> messages = messages(prompt.substring(0, prompt.length() - ASSISTANT_MARKER.length()));
        return messages.isEmpty() ? Optional.empty() : Optional.of(messages);
    }

    /** The messages of a completion that follows a prompt transcript: the assistant's answer, and any later turns. */
    public static List<Map<String, Object>> completionMessages(String completion) {
        return messages(ASSISTANT_MARKER + completion);
    }

    private static List<Map<String, Object>> messages(String transcript) {
        List<Map<String, Object>> out = new ArrayList<>();
        Matcher m = TURN.matcher(transcript);
        String role = null;
        int contentStart = 0;
        while (m.find()) {
            if (role != null) {
                out.add(Map.of("role", role, "content", transcript.substring(contentStart, m.start()).strip()));
            }
            role = ROLES.get(m.group(1));
            contentStart = m.end();
        }
        if (role != null) {
            out.add(Map.of("role", role, "content", transcript.substring(contentStart).strip()));
        }
        return out;
    }
}
