package dev.tralign.app;

import dev.tralign.app.cli.TralignCommand;
import picocli.CommandLine;

/** Entry point of the {@code tralign} CLI. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("demo") && !java.util.Arrays.asList(args).contains("--help")
                && !java.util.Arrays.asList(args).contains("-h")) {
            // The demo's terminal is its progress; library logs go to a file, named first so they can be found.
            java.nio.file.Path log = LibraryLogFile.redirect(java.nio.file.Path.of(
                    System.getProperty("tralign.home", ".")), "demo");
            System.out.println("demo: Kafka, DJL and Jetty logs go to " + log);
        }
        System.exit(TralignCommand.commandLine().execute(args));
    }
}
