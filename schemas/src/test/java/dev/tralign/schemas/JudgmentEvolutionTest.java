package dev.tralign.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.registry.CompatibilityChecker;
import dev.tralign.schemas.registry.CompatibilityLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * Judgment became the evaluation record (verdict and the candidate's log-probs in one record): the registry must
 * accept it over the first version, and records written with the first version (imported annotations, judgments
 * already on the topic) must still read, with no log-probs.
 */
class JudgmentEvolutionTest {

    @Test
    void theEvaluationRecordEvolvesTheFirstJudgmentCompatibly() throws IOException {
        Schema v1 = firstVersion();
        assertThat(CompatibilityChecker.problems(Judgment.getClassSchema(), List.of(v1),
                CompatibilityLevel.FULL_TRANSITIVE)).isEmpty();
    }

    @Test
    void aFirstVersionRecordReadsWithoutLogProbs() throws IOException {
        Schema v1 = firstVersion();
        GenericRecord old = new GenericData.Record(v1);
        old.put("runId", "alpaca-7b");
        old.put("step", 0L);
        old.put("promptId", "p1");
        old.put("judge", "alpaca-import");
        old.put("candidate", "c");
        old.put("baseline", "b");
        old.put("preference", 2.0);
        old.put("ratings", Map.of());
        old.put("at", Instant.EPOCH.toEpochMilli());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();

        Judgment read = new SpecificDatumReader<Judgment>(v1, Judgment.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.getPreference()).isEqualTo(2.0);
        assertThat(read.getCandidate()).isEqualTo("c");
        assertThat(read.getLogProbPolicy()).isNull();
        assertThat(read.getLogProbSft()).isNull();
        assertThat(read.getCandidateTokens()).isNull();
    }

    private static Schema firstVersion() throws IOException {
        try (InputStream in = JudgmentEvolutionTest.class.getResourceAsStream("/avro-history/Judgment-v1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }
}
