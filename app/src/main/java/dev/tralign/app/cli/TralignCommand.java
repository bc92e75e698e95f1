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
            TopicsCommand.class,
            IngestCommand.class,
            TrainCommand.class,
            ReplayCommand.class,
            ExportCommand.class,
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
        CommandLine.IExecutionStrategy run = cli.getExecutionStrategy();
        cli.setExecutionStrategy(parseResult -> refuseUnmatched(parseResult) ? 2 : run.execute(parseResult));
        return cli;
    }

    /**
     * picocli lets {@code --help} win over words it does not know, so {@code tralign frobnicate --help} printed the
     * top-level help and exited 0, as if the command existed. A word no command takes is a usage error (exit 2)
     * whatever else is on the line. A command that declares {@code @Unmatched} (the benchmarks, which pass their
     * flags on to the bench classes, and those check them) takes such words on purpose.
     */
    private static boolean refuseUnmatched(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult level = parseResult; level != null;
                level = level.hasSubcommand() ? level.subcommand() : null) {
            if (!level.unmatched().isEmpty() && level.commandSpec().unmatchedArgsBindings().isEmpty()) {
                CommandLine command = level.commandSpec().commandLine();
                String name = level.commandSpec().qualifiedName();
                boolean hasSubcommands = !command.getSubcommands().isEmpty();
                command.getErr().println(name + ": unknown " + (hasSubcommands ? "command" : "argument") + " '"
                        + level.unmatched().get(0) + "'; run '" + name + " --help' for the "
                        + (hasSubcommands ? "commands" : "options") + " it takes");
                command.getErr().flush();
                return true;
            }
        }
        return false;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
