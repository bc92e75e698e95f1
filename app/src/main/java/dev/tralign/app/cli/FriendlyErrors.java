package dev.tralign.app.cli;

import picocli.CommandLine;

/**
 * Turns failures into one line a person can act on. Expected failures (bad config, a port in use, a missing file) are
 * {@link IllegalArgumentException}, {@link IllegalStateException} or {@link java.io.UncheckedIOException}: their
 * message is the whole story. Anything else is a bug, so it keeps its stack trace.
 */
final class FriendlyErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
        String command = cli.getCommandName();
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
            cli.getErr().println(command + ": " + e.getMessage());
            return 1;
        }
        cli.getErr().println(command + ": unexpected error (please report it with this trace):");
        e.printStackTrace(cli.getErr());
        return 1;
    }
}
