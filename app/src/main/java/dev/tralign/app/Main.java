package dev.tralign.app;

import dev.tralign.app.cli.TralignCommand;
import picocli.CommandLine;

/** Entry point of the {@code tralign} CLI. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(TralignCommand.commandLine().execute(args));
    }
}
