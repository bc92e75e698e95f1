package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole demo, shrunk: embedded stack, feedback through ingest HTTP, SFT, two runs, judged checkpoints, report. */
class DemoIT {

    @Test
    void demoRunsEndToEndAndReportsEveryJudgedCheckpoint() throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "demo-it");
        DemoSettings settings = new DemoSettings(work, null, null, 3, List.of("dpo", "tr-dpo-hard"), 300, 20, 8, 10,
                16, 0.1, 5e-4, 4, 5, 0, 30);
        List<String> lines = new ArrayList<>();
        DemoResult result = new DemoRunner(settings, lines::add).run();

        assertThat(result.rows()).extracting(DemoResult.Row::method).containsExactly("dpo", "tr-dpo-hard");
        for (DemoResult.Row row : result.rows()) {
            assertThat(row.checkpoints()).as("judged checkpoints of %s", row.method()).isEqualTo(2);
            assertThat(row.last().getStep()).isEqualTo(20);
            assertThat(row.last().getNTotal()).isEqualTo(16);
            assertThat(row.last().getWinRate()).isBetween(0.0, 100.0);
            assertThat(row.last().getKlToSft()).isNotNull();
            assertThat(row.last().getLengthControlledWinRate()).as("LC of %s", row.method()).isBetween(0.0, 100.0);
        }
        // Classic DPO never moves its reference; hard TR with tau 5 copies it at steps 5, 10, 15 and 20.
        assertThat(result.rows().get(0).referenceUpdates()).isZero();
        assertThat(result.rows().get(1).referenceUpdates()).isEqualTo(4);
        assertThat(result.reportHtml()).exists();
        assertThat(Files.readString(result.reportHtml())).contains(result.rows().get(1).runId())
                .contains("<th>LC win rate %</th>", "Bradley-Terry scores",
                        "data-player=\"" + result.rows().get(1).runId() + "@20\"", "of the 16 prompts (seed 42)");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("300 pairs on tralign.preferences"));
        assertThat(String.join("\n", lines)).contains("[6/6] results").contains("guard alerts (tralign.alerts):");
    }
}
