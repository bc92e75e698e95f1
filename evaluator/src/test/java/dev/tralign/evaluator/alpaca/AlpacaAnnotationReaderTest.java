package dev.tralign.evaluator.alpaca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlpacaAnnotationReaderTest {

    private static final String FILE = "[\n"
            + row("q1", "a", "b", "2.0") + ",\n"
            + row("q2", "a", "b", "1") + ",\n"
            + row("q3", "same", "same", "1") + ",\n"     // identical outputs: tie whatever the judge said
            + row("q4", "a", "b", "null") + ",\n"        // missing: excluded
            + row("q5", "a", "b", "NaN") + ",\n"         // Python's bare NaN: excluded
            + row("q6", "a", "b", "\"1.5\"") + ",\n"     // a number written as text: a tie
            + row("q7", "a", "b", "0") + ",\n"           // legacy tie
            + row("q8", "a", "b", "1.8") + ",\n"         // fractional: a win counted by its value
            + row("q9", "a", "b", "3") + "\n"            // off the scale: excluded
            + "]";

    private static String row(String instruction, String out1, String out2, String preference) {
        return "{\"instruction\":\"" + instruction + "\",\"output_1\":\"" + out1 + "\",\"output_2\":\"" + out2
                + "\",\"generator_1\":\"base\",\"generator_2\":\"cand\",\"dataset\":\"x\",\"preference\":"
                + preference + "}";
    }

    @Test
    void readsPlainAndGzipAlike(@TempDir Path dir) throws IOException {
        Path plain = Files.writeString(dir.resolve("cand.annotations.json"), FILE);
        Path gzip = dir.resolve("cand.annotations.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(FILE.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(AlpacaAnnotationReader.read(plain)).isEqualTo(AlpacaAnnotationReader.read(gzip)).hasSize(9);
    }

    @Test
    void countsFollowTheConventions(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("cand.annotations.json"), FILE);
        List<CandidateRow> rows = AlpacaImport.rowsFromFiles(List.of(file));

        assertThat(rows).hasSize(1);
        CandidateRow row = rows.get(0);
        assertThat(row.candidate()).isEqualTo("cand");
        // Counted: q1 (2), q2 (1), q3 (1.5), q6 (1.5), q7 (1.5), q8 (1.8); x = 1, 0, .5, .5, .5, .8.
        assertThat(row.stats().nTotal()).isEqualTo(6);
        assertThat(row.stats().nWins()).isEqualTo(2);
        assertThat(row.stats().nWinsBase()).isEqualTo(1);
        assertThat(row.stats().nDraws()).isEqualTo(3);
        assertThat(row.stats().winRate()).isCloseTo(3.3 / 6 * 100, within(1e-9));
        assertThat(row.stats().discreteWinRate()).isCloseTo(3.5 / 6 * 100, within(1e-9));
    }

    @Test
    void rejectsFilesThatAreNotAnnotationLists(@TempDir Path dir) throws IOException {
        Path object = Files.writeString(dir.resolve("x.json"), "{\"a\":1}");
        assertThatThrownBy(() -> AlpacaAnnotationReader.read(object))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected a JSON list");
        Path noGenerator = Files.writeString(dir.resolve("y.json"), "[{\"preference\":1}]");
        assertThatThrownBy(() -> AlpacaAnnotationReader.read(noGenerator))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generator_2");
    }
}
