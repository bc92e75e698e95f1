package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TralignCommandTest {

    private final CliRun cli = new CliRun();

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void helpListsEveryCommandWithItsPurpose() {
        assertThat(run("--help")).isZero();
        assertThat(cli.out()).contains("demo", "stack", "ingest", "train", "replay", "evaluate", "report",
                "experiment", "world", "bench");
    }

    @Test
    void unknownCommandIsAUsageErrorWithExitTwo() {
        assertThat(run("trian")).isEqualTo(2);
        assertThat(cli.err()).contains("trian");
    }

    @Test
    void unknownCommandWithHelpIsStillAUsageErrorWithExitTwo() {
        assertThat(run("frobnicate", "--help")).isEqualTo(2);
        assertThat(cli.err()).contains("unknown command 'frobnicate'").contains("tralign --help");
        assertThat(cli.out()).isEmpty();
        assertThat(run("ingest", "frobnicate", "--help")).isEqualTo(2);
        assertThat(cli.err()).contains("tralign ingest: unknown command 'frobnicate'");
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitTwo() {
        assertThat(run("demo", "--stepz", "3")).isEqualTo(2);
        assertThat(cli.err()).contains("--stepz");
    }

    @Test
    void benchmarksPassTheirFlagsOnAndTheBenchRefusesUnknownOnes() {
        // bench trainer declares @Unmatched: its flags reach TrainerBench, which names the ones it knows.
        assertThat(run("bench", "trainer", "--stepz", "3")).isEqualTo(1);
        assertThat(cli.err()).contains("unknown flag --stepz").contains("--arch").doesNotContain("unknown argument");
    }

    @Test
    void invalidDemoSettingNamesTheOption() {
        assertThat(run("demo", "--steps", "10", "--checkpoint-every", "50")).isEqualTo(1);
        assertThat(cli.err()).contains("--checkpoint-every");
    }

    @Test
    void unknownMethodSaysWhichOnesExist() {
        assertThat(run("experiment", "--methods", "dpo,ppo")).isEqualTo(1);
        assertThat(cli.err()).contains("ppo").contains("tr-<loss>-soft");
    }

    @Test
    void trainWithoutConfigSaysWhatIsNeeded() {
        assertThat(run("train")).isEqualTo(1);
        assertThat(cli.err()).contains("--config");
    }

    @Test
    void importAlpacaOfAMissingFileNamesIt() {
        assertThat(run("evaluate", "import-alpaca", "no-such-file.json")).isEqualTo(1);
        assertThat(cli.err()).contains("no-such-file.json");
    }

    @Test
    void importAlpacaPrintsTheLengthControlledWinRateBesideTheRawOne() {
        String file = "../../shared/data/alpaca_eval/alpaca-7b.weighted_alpaca_eval_gpt4_turbo.annotations.json.gz";
        assertThat(java.nio.file.Path.of(file)).as("shared AlpacaEval data").exists();
        assertThat(run("evaluate", "import-alpaca", file)).isZero();
        // alpaca_eval's own code: win rate 2.591, length_controlled_minimal 19.549 (we solve it exactly: 19.611).
        assertThat(cli.out()).contains("\"candidate\":\"alpaca-7b\"", "\"win_rate\":2.5914505",
                "\"length_controlled_winrate\":19.6106", "\"lc_standard_error\":");
        // Every prediction at equal lengths is the same number: the SEM is rounding noise, as in alpaca_eval.
        assertThat(cli.out()).containsPattern("\"lc_standard_error\":(0\\.0|[0-9.]+E-1[0-9])[,}]");
    }
}
