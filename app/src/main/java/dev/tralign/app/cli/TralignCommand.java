package dev.tralign.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code tralign} command: only a list of subcommands, each with a one-line purpose. */
@Command(
        name = "tralign",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Continuous preference alignment (TR-DPO, TR-IPO, TR-KTO) on Kafka.",
        subcommands = {
            DemoCommand.class,
            StackCommand.class,
            IngestCommand.class,
            TrainCommand.class,
            ReplayCommand.class,
            EvaluateCommand.class,
            ReportCommand.class,
            ExperimentCommand.class,
            WorldCommand.class,
            BenchCommand.class,
            ModelCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class TralignCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * A configured command line: usage errors exit 2, failures print one clear line and exit 1; every option may
     * also come from a TRALIGN_* environment variable ({@link EnvironmentDefaults}).
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TralignCommand());
        cli.setExecutionExceptionHandler(new FriendlyErrors());
        EnvironmentDefaults.install(cli, System.getenv());
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
