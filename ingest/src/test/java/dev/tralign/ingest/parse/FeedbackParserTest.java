package dev.tralign.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.FeedbackLabel;
import dev.tralign.schemas.avro.PreferencePair;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FeedbackParserTest {

    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private final FeedbackParser parser = new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS,
            Clock.fixed(NOW, ZoneOffset.UTC));

    private Outcome parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), Origin.fileLine("f.jsonl", 1), "file:f.jsonl");
    }

    private PreferencePair pair(String json) {
        Outcome outcome = parse(json);
        assertThat(outcome).as(outcome.toString()).isInstanceOf(Outcome.Pair.class);
        return ((Outcome.Pair) outcome).pair();
    }

    @Test
    void readsTrlStandardPreference() {
        PreferencePair pair = pair("{\"prompt\":\"Q\",\"chosen\":\" A\",\"rejected\":\" B\",\"annotator\":\"ann-1\","
                + "\"score_chosen\":8.5,\"score_rejected\":6,\"lang\":\"en\",\"tags\":[\"x\",1]}");

        assertThat(pair.getPrompt()).isEqualTo("Q");
        assertThat(pair.getChosen()).isEqualTo(" A");
        assertThat(pair.getRejected()).isEqualTo(" B");
        assertThat(pair.getId()).isEqualTo(ContentIds.pairId("Q", " A", " B")).hasSize(64);
        assertThat(pair.getSource()).isEqualTo("file:f.jsonl");
        assertThat(pair.getCreatedAt()).isEqualTo(NOW);
        assertThat(pair.getAnnotator()).isEqualTo("ann-1");
        assertThat(pair.getScoreMargin()).isEqualTo(2.5);
        assertThat(pair.getMetadata()).containsEntry("lang", "en").containsEntry("tags", "[\"x\",1]")
                .containsEntry("score_chosen", "8.5").doesNotContainKey("annotator").doesNotContainKey("prompt")
                .containsEntry("ingest.format", "preference").containsEntry("ingest.origin", "f.jsonl line 1");
    }

    @Test
    void splitsHhRlhfTranscriptsAtTheLastSharedAssistantTurn() {
        PreferencePair pair = pair("{\"chosen\":\"\\n\\nHuman: hi\\n\\nAssistant: hello\\n\\nHuman: joke?\\n\\nAssistant: "
                + "Sure, one.\",\"rejected\":\"\\n\\nHuman: hi\\n\\nAssistant: hello\\n\\nHuman: joke?\\n\\nAssistant: No.\"}");

        assertThat(pair.getPrompt()).isEqualTo("\n\nHuman: hi\n\nAssistant: hello\n\nHuman: joke?\n\nAssistant:");
        assertThat(pair.getChosen()).isEqualTo(" Sure, one.");
        assertThat(pair.getRejected()).isEqualTo(" No.");
        assertThat(pair.getMetadata()).containsEntry("ingest.format", "hh-rlhf");
    }

    @Test
    void conversationalAndHhFormsOfOneConversationGetTheSameId() {
        PreferencePair conversational = pair("{\"chosen\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"hello\"}],\"rejected\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"go away\"}]}");
        PreferencePair explicitPrompt = pair("{\"prompt\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"chosen\":[{\"role\":\"assistant\",\"content\":\"hello\"}],"
                + "\"rejected\":[{\"role\":\"assistant\",\"content\":\"go away\"}]}");
        PreferencePair hh = pair("{\"chosen\":\"\\n\\nHuman: hi\\n\\nAssistant: hello\","
                + "\"rejected\":\"\\n\\nHuman: hi\\n\\nAssistant: go away\"}");

        assertThat(conversational.getPrompt()).isEqualTo("\n\nHuman: hi\n\nAssistant:");
        assertThat(conversational.getChosen()).isEqualTo(" hello");
        assertThat(conversational.getId()).isEqualTo(explicitPrompt.getId()).isEqualTo(hh.getId());
    }

    @Test
    void readsBinaryFeedbackWithEveryLabelSpelling() {
        String[] desirable = {"true", "\"desirable\"", "\"Desirable \"", "\"TRUE\""};
        String[] undesirable = {"false", "\"undesirable\"", "\"UNDESIRABLE\"", "\"false\""};
        for (String label : desirable) {
            assertThat(feedback(label).getLabel()).as(label).isEqualTo(FeedbackLabel.DESIRABLE);
        }
        for (String label : undesirable) {
            assertThat(feedback(label).getLabel()).as(label).isEqualTo(FeedbackLabel.UNDESIRABLE);
        }
        assertThat(feedback("true").getId()).isNotEqualTo(feedback("false").getId())
                .isEqualTo(ContentIds.feedbackId("P", "C", FeedbackLabel.DESIRABLE));
    }

    private BinaryFeedback feedback(String label) {
        Outcome outcome = parse("{\"prompt\":\"P\",\"completion\":\"C\",\"label\":" + label + "}");
        assertThat(outcome).as(label).isInstanceOf(Outcome.Feedback.class);
        return ((Outcome.Feedback) outcome).feedback();
    }

    @Test
    void normalisesControlCharactersLineEndingsAndUnicodeForm() {
        PreferencePair pair = pair("{\"prompt\":\"a\\r\\nb\\rc\\u0007\\u0000d\\ufeff\",\"chosen\":\"cafe\\u0301\","
                + "\"rejected\":\"tab\\there\"}");

        assertThat(pair.getPrompt()).isEqualTo("a\nb\ncd");
        assertThat(pair.getChosen()).isEqualTo("caf\u00e9");
        assertThat(pair.getRejected()).isEqualTo("tab\there");
    }

    @Test
    void stripsByteOrderMarkAtTheStartOfARecord() {
        PreferencePair pair = pair("\uFEFF{\"prompt\":\"Q\",\"chosen\":\"A\",\"rejected\":\"B\"}");
        assertThat(pair.getPrompt()).isEqualTo("Q");
    }

    @Test
    void forcedFormatValidatesEveryRecordAgainstIt() {
        FeedbackParser binaryOnly = new FeedbackParser(Format.BINARY, IngestLimits.DEFAULTS, Clock.systemUTC());
        Outcome outcome = binaryOnly.parse("{\"prompt\":\"Q\",\"chosen\":\"A\",\"rejected\":\"B\"}"
                .getBytes(StandardCharsets.UTF_8), Origin.fileLine("f", 3), "s");

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        Rejection rejection = ((Outcome.Rejected) outcome).rejection();
        assertThat(rejection.errorClass()).isEqualTo(ErrorClass.MISSING_FIELD);
        assertThat(rejection.field()).isEqualTo("completion");
        assertThat(rejection.describe()).isEqualTo("f line 3: field 'completion' is missing; each record needs prompt, "
                + "chosen and rejected (or messages), or prompt, completion and label; see docs/ingest.md");
    }

    @Test
    void sizeLimitIsConfigurable() {
        FeedbackParser small = new FeedbackParser(Format.AUTO, new IngestLimits(4, 1024), Clock.systemUTC());
        Outcome outcome = small.parse("{\"prompt\":\"Q\",\"chosen\":\"12345\",\"rejected\":\"B\"}"
                .getBytes(StandardCharsets.UTF_8), Origin.fileLine("f", 1), "s");

        Rejection rejection = ((Outcome.Rejected) outcome).rejection();
        assertThat(rejection.errorClass()).isEqualTo(ErrorClass.TOO_LARGE);
        assertThat(rejection.reason()).contains("5 bytes", "--max-text-bytes");
    }

    @Test
    void limitsAndFormatOptionsAreValidatedWithActionableMessages() {
        assertThatThrownBy(() -> new IngestLimits(100, 10)).hasMessageContaining("--max-record-bytes");
        assertThatThrownBy(() -> new IngestLimits(0, 10)).hasMessageContaining("--max-text-bytes");
        assertThatThrownBy(() -> Format.fromOption("csv")).hasMessageContaining("--format 'csv'")
                .hasMessageContaining("hh-rlhf");
        assertThat(Format.fromOption("HH-RLHF")).isEqualTo(Format.HH_RLHF);
        assertThat(Format.fromOption("conversational")).isEqualTo(Format.CONVERSATIONAL);
    }
}
