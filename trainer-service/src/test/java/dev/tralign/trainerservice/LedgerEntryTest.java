package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.StepLedger;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ledger values decode the same from Avro (what the trainer writes) and from the text lines of older ledgers. */
class LedgerEntryTest {

    @Test
    void textLinesOfOlderLedgersAndAvroRecordsDecodeToTheSameEntries() throws IOException {
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream("/ledger/text-ledger.tsv")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        try (Topics topics = Topics.forTests(new InMemorySchemaRegistryClient())) {
            var ledger = topics.trainerLedger();
            RunEvents events = new RunEvents(topics, "r1");
            for (String line : lines) {
                LedgerEntry fromText = LedgerEntry.decode(line.getBytes(StandardCharsets.UTF_8), bytes -> {
                    throw new AssertionError("a text line is not Avro");
                });
                byte[] avro = events.toRecord(fromText).value();
                assertThat(avro[0]).as("Confluent magic byte").isZero();
                StepLedger[] decoded = new StepLedger[1];
                LedgerEntry fromAvro = LedgerEntry.decode(avro, bytes -> decoded[0] =
                        ledger.valueSerde().deserializer().deserialize(ledger.name(), bytes));
                assertThat(fromAvro).isEqualTo(fromText);
                assertThat(decoded[0].getRunId()).isEqualTo("r1");
            }
            LedgerEntry legacy = LedgerEntry.decode(lines.get(2).getBytes(StandardCharsets.UTF_8), b -> null);
            assertThat(legacy.microBatches()).as("a 4-field line is one micro-batch").containsExactly(2);
            assertThat(LedgerEntry.decode(lines.get(0).getBytes(StandardCharsets.UTF_8), b -> null).microBatches())
                    .containsExactly(2, 1);
        }
        assertThatThrownBy(() -> LedgerEntry.decode("1\t0\tx".getBytes(StandardCharsets.UTF_8), b -> null))
                .hasMessageContaining("3 fields");
    }
}
