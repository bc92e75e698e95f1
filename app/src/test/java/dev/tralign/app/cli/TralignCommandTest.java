package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TralignCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = TralignCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void helpListsEveryCommandWithItsPurpose() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("demo", "stack", "ingest", "train", "replay", "evaluate", "report",
                "experiment", "world", "bench");
    }

    @Test
    void unknownCommandIsAUsageErrorWithExitTwo() {
        assertThat(run("trian")).isEqualTo(2);
        assertThat(err.toString()).contains("trian");
    }

    @Test
    void unknownCommandWithHelpIsStillAUsageErrorWithExitTwo() {
        assertThat(run("frobnicate", "--help")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown command 'frobnicate'").contains("tralign --help");
        assertThat(out.toString()).isEmpty();
        assertThat(run("ingest", "frobnicate", "--help")).isEqualTo(2);
        assertThat(err.toString()).contains("tralign ingest: unknown command 'frobnicate'");
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitTwo() {
        assertThat(run("demo", "--stepz", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("--stepz");
    }

    @Test
    void invalidDemoSettingNamesTheOption() {
        assertThat(run("demo", "--steps", "10", "--checkpoint-every", "50")).isEqualTo(1);
        assertThat(err.toString()).contains("--checkpoint-every");
    }

    @Test
    void unknownMethodSaysWhichOnesExist() {
        assertThat(run("experiment", "--methods", "dpo,ppo")).isEqualTo(1);
        assertThat(err.toString()).contains("ppo").contains("tr-<loss>-soft");
    }

    @Test
    void trainWithoutConfigSaysWhatIsNeeded() {
        assertThat(run("train")).isEqualTo(1);
        assertThat(err.toString()).contains("--config");
    }

    @Test
    void importAlpacaOfAMissingFileNamesIt() {
        assertThat(run("evaluate", "import-alpaca", "no-such-file.json")).isEqualTo(1);
        assertThat(err.toString()).contains("no-such-file.json");
    }
}
