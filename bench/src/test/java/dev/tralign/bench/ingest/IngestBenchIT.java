package dev.tralign.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the benchmark small (20k pairs, one warm-up and one measured round) to prove it works end to end; the
 * figures in docs/ingest.md come from {@code tralign bench ingest}.
 */
@ExtendWith(EmbeddedStackExtension.class)
class IngestBenchIT {

    @Test
    void reportsBothRatesAndTheirRatio(EmbeddedStack stack, @TempDir Path workDir) {
        String pairs = System.getProperty("ingest.bench.pairs", "20000");
        String report = IngestBench.run(new String[] {"--bootstrap-servers", stack.bootstrapServers(),
                "--registry-url", stack.registryUrl(), "--pairs", pairs,
                "--rounds", System.getProperty("ingest.bench.rounds", "1"),
                // A smoke test of the bench, not a measurement: one warm-up round instead of the default 200k records.
                "--warmup", System.getProperty("ingest.bench.warmup", "1"), "--work-dir", workDir.toString()});
        System.out.println(report);

        assertThat(report).contains("ingest bench: " + pairs + " lines");
        Matcher ratio = Pattern.compile("ratio: ([0-9.]+)x").matcher(report);
        assertThat(ratio.find()).isTrue();
        assertThat(Double.parseDouble(ratio.group(1))).isPositive();
        // Every repeated pair is distinct, so only the file's own dead letters are not accepted.
        Matcher last = Pattern.compile("last import: (\\d+) accepted, (\\d+) duplicate, (\\d+) dead-lettered")
                .matcher(report);
        assertThat(last.find()).isTrue();
        assertThat(Long.parseLong(last.group(2))).isZero();
        assertThat(Long.parseLong(last.group(1)) + Long.parseLong(last.group(3))).isEqualTo(Long.parseLong(pairs));
    }

    @Test
    void oneSideAloneReportsOnlyItsRounds(EmbeddedStack stack, @TempDir Path workDir) {
        String report = IngestBench.run(new String[] {"--bootstrap-servers", stack.bootstrapServers(),
                "--registry-url", stack.registryUrl(), "--pairs", "2000", "--rounds", "2", "--warmup", "0",
                "--work-dir", workDir.toString(), "--sides", "ingest"});
        assertThat(report).startsWith("ingest bench, ingest side only: 2000 lines").doesNotContain("ratio");
        assertThat(Pattern.compile("round \\d: [0-9,]+ records/s").matcher(report).results().count()).isEqualTo(2);
        String avro = IngestBench.run(new String[] {"--bootstrap-servers", stack.bootstrapServers(),
                "--registry-url", stack.registryUrl(), "--pairs", "2000", "--rounds", "1", "--warmup", "0",
                "--work-dir", workDir.toString(), "--baseline", "avro"});
        assertThat(avro).contains("best plain producer (the import's Avro records, no transactions)")
                .containsPattern("ratio: [0-9.]+x");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IngestBench.run(new String[] {
                "--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registryUrl(),
                "--sides", "broker"})).hasMessageContaining("--sides=broker is not one of both|ingest|plain");
    }
}
