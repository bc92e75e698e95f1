package dev.tralign.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.WinRate;
import dev.tralign.schemas.registry.CompatibilityChecker;
import dev.tralign.schemas.registry.CompatibilityLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * WinRate gained the length-controlled win rate and its standard error (optional, default null): the registry
 * must accept it over the first version both ways, records already on tralign.win-rates must still read (with no
 * LC), and readers still on the first version must read new records.
 */
class WinRateEvolutionTest {

    @Test
    void theLengthControlledFieldsEvolveTheFirstVersionCompatibly() throws IOException {
        assertThat(CompatibilityChecker.problems(WinRate.getClassSchema(), List.of(firstVersion()),
                CompatibilityLevel.FULL_TRANSITIVE)).isEmpty();
    }

    @Test
    void aFirstVersionRecordReadsWithoutLengthControl() throws IOException {
        Schema v1 = firstVersion();
        GenericRecord old = new GenericData.Record(v1);
        old.put("runId", "run");
        old.put("step", 10L);
        old.put("nWins", 3L);
        old.put("nWinsBase", 1L);
        old.put("nDraws", 0L);
        old.put("nTotal", 4L);
        old.put("winRate", 75.0);
        old.put("standardError", 25.0);
        old.put("discreteWinRate", 75.0);
        old.put("wilsonLow", 30.0);
        old.put("wilsonHigh", 95.0);
        old.put("at", Instant.EPOCH.toEpochMilli());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();

        WinRate read = new SpecificDatumReader<WinRate>(v1, WinRate.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.getWinRate()).isEqualTo(75.0);
        assertThat(read.getStep()).isEqualTo(10L);
        assertThat(read.getLengthControlledWinRate()).isNull();
        assertThat(read.getLcStandardError()).isNull();
    }

    @Test
    void aFirstVersionReaderReadsANewRecord() throws IOException {
        WinRate current = WinRate.newBuilder().setRunId("run").setStep(5).setNWins(1).setNWinsBase(0).setNDraws(0)
                .setNTotal(1).setWinRate(100).setStandardError(Double.NaN).setDiscreteWinRate(100)
                .setWilsonLow(20).setWilsonHigh(100).setAt(Instant.EPOCH).setLengthControlledWinRate(61.5)
                .setLcStandardError(0.0).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<WinRate>(WinRate.getClassSchema()).write(current, encoder);
        encoder.flush();

        GenericRecord read = new GenericDatumReader<GenericRecord>(WinRate.getClassSchema(), firstVersion())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.get("winRate")).isEqualTo(100.0);
        assertThat(read.get("step")).isEqualTo(5L);
        assertThat(read.getSchema().getField("lengthControlledWinRate")).isNull();
    }

    private static Schema firstVersion() throws IOException {
        try (InputStream in = WinRateEvolutionTest.class.getResourceAsStream("/avro-history/WinRate-v1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }
}
