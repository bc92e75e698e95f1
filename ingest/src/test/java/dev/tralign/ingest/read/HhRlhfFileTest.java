package dev.tralign.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.ingest.parse.Outcome;
import dev.tralign.ingest.parse.Rejection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The real Anthropic HH-RLHF harmless-base test split: every pair is accounted for. */
class HhRlhfFileTest {

    static final Path HH = Path.of("/work/shared/data/hh-rlhf/harmless-base-test.jsonl.gz");

    @Test
    void everyPairIsAcceptedDuplicateOrDeadLetteredWithAReason() throws IOException {
        long lines;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(HH)), StandardCharsets.UTF_8))) {
            lines = in.lines().filter(l -> !l.isBlank()).count();
        }
        List<Outcome> outcomes = new ArrayList<>();
        new FeedbackReader(new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS, Clock.systemUTC()))
                .read(HH, "file:hh", outcomes::add);

        Set<String> ids = new HashSet<>();
        long accepted = 0;
        long duplicates = 0;
        List<Rejection> deadLetters = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome instanceof Outcome.Pair p) {
                if (ids.add(p.pair().getId())) {
                    accepted++;
                } else {
                    duplicates++;
                }
                assertThat(p.pair().getPrompt()).startsWith("\n\nHuman:").endsWith("\n\nAssistant:");
                assertThat(p.pair().getChosen().strip()).isNotEqualTo(p.pair().getRejected().strip());
                assertThat(p.pair().getMetadata()).containsEntry("ingest.format", "hh-rlhf");
            } else if (outcome instanceof Outcome.Rejected r) {
                deadLetters.add(r.rejection());
            }
        }
        deadLetters.forEach(r -> System.out.println("dead letter: " + r.errorClass() + " " + r.describe()));
        System.out.printf("HH-RLHF harmless-base test: %d lines, %d accepted, %d duplicate, %d dead-lettered%n",
                lines, accepted, duplicates, deadLetters.size());

        assertThat(lines).isEqualTo(2312);
        assertThat(outcomes).hasSize((int) lines);
        assertThat(accepted + duplicates + deadLetters.size()).isEqualTo(lines);
        assertThat(accepted).isGreaterThan(2200);
        // The split leaves a few transcripts with nothing after the last shared "Assistant:" turn.
        assertThat(deadLetters).allSatisfy(r -> {
            assertThat(r.errorClass()).isIn(ErrorClass.BLANK_FIELD, ErrorClass.IDENTICAL_PAIR, ErrorClass.NO_SHARED_PROMPT);
            assertThat(r.describe()).contains("harmless-base-test.jsonl.gz line ");
        });
    }
}
