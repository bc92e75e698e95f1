package dev.tralign.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns TRL conversational records (lists of {role, content}) into the same transcript text HH-RLHF uses
 * ("\n\nHuman: ...\n\nAssistant: ..."), so one conversation imported in either format gets the same id.
 */
final class Conversations {

    private static final Map<String, String> SPEAKERS = Map.of("user", "Human", "assistant", "Assistant",
            "system", "System");

    private Conversations() {
    }

    /** One validated message. */
    record Message(String role, String content) {
        String render() {
            return "\n\n" + SPEAKERS.get(role) + ": " + content;
        }
    }

    /** Validates a message list; content goes through the same text rules as plain fields. */
    static List<Message> messages(JsonNode node, String field, TextFieldReader texts) throws InvalidRecord {
        if (node == null || node.isNull()) {
            throw new InvalidRecord(ErrorClass.MISSING_FIELD, field, "field '" + field
                    + "' is missing; a conversational record needs chosen and rejected message lists; see docs/ingest.md");
        }
        if (!node.isArray()) {
            throw new InvalidRecord(ErrorClass.WRONG_TYPE, field, "field '" + field + "' is a "
                    + node.getNodeType().name().toLowerCase() + "; in a conversational record it must be a list of "
                    + "{\"role\": ..., \"content\": ...} objects; see docs/ingest.md");
        }
        List<Message> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode message = node.get(i);
            String where = field + "[" + i + "]";
            if (!message.isObject()) {
                throw new InvalidRecord(ErrorClass.INVALID_CONVERSATION, where, "message " + where
                        + " is not an object; each message is {\"role\": \"user\"|\"assistant\"|\"system\", \"content\": \"...\"}");
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual() || !SPEAKERS.containsKey(role.asText())) {
                throw new InvalidRecord(ErrorClass.INVALID_CONVERSATION, where + ".role", "message " + where
                        + " has role " + role + "; the role must be \"user\", \"assistant\" or \"system\"");
            }
            String content = texts.read(message, "content", where + ".content");
            messages.add(new Message(role.asText(), content));
        }
        return messages;
    }

    /** Renders messages as an HH-style transcript. */
    static String render(List<Message> messages) {
        StringBuilder out = new StringBuilder();
        messages.forEach(m -> out.append(m.render()));
        return out.toString();
    }

    /**
     * Splits chosen and rejected conversations into prompt and completions. With an explicit prompt the
     * completions are the lists themselves; without one the prompt is the longest shared message prefix.
     */
    static HhTranscripts.Split split(List<Message> prompt, List<Message> chosen, List<Message> rejected)
            throws InvalidRecord {
        List<Message> history = prompt;
        if (history == null) {
            int shared = 0;
            while (shared < chosen.size() && shared < rejected.size() && chosen.get(shared).equals(rejected.get(shared))) {
                shared++;
            }
            history = chosen.subList(0, shared);
            chosen = chosen.subList(shared, chosen.size());
            rejected = rejected.subList(shared, rejected.size());
        }
        if (history.isEmpty()) {
            throw new InvalidRecord(ErrorClass.INVALID_CONVERSATION, "prompt", "the conversation has no prompt: give a "
                    + "'prompt' message list, or start chosen and rejected with the same user message(s)");
        }
        if (chosen.isEmpty() && rejected.isEmpty()) {
            throw new InvalidRecord(ErrorClass.IDENTICAL_PAIR, "chosen", "chosen and rejected are the same "
                    + "conversation; a preference pair needs two different answers");
        }
        return new HhTranscripts.Split(render(history) + HhTranscripts.ASSISTANT_MARKER,
                completion(chosen, "chosen"), completion(rejected, "rejected"));
    }

    private static String completion(List<Message> messages, String field) throws InvalidRecord {
        if (messages.isEmpty() || !messages.get(0).role().equals("assistant")) {
            throw new InvalidRecord(ErrorClass.INVALID_CONVERSATION, field, "field '" + field + "' must continue the "
                    + "conversation with an assistant message after the shared prompt");
        }
        return render(messages).substring(HhTranscripts.ASSISTANT_MARKER.length());
    }

    /** Reads and validates one text field (the parser's rules). */
    @FunctionalInterface
    interface TextFieldReader {
        String read(JsonNode parent, String name, String displayName) throws InvalidRecord;
    }
}
