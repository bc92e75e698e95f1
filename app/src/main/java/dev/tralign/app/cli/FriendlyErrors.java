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
            cli.getErr().println(line(cli, e.getMessage()));
            return 1;
        }
        cli.getErr().println(command + ": unexpected error (please report it with this trace):");
        e.printStackTrace(cli.getErr());
        return 1;
    }

    /**
     * The message after the command's name, unless it already starts with the command's own path ("bench memory:
     * ..." from a bench, whose messages name it for runs of its main), so the name is said once.
     */
    static String line(CommandLine cli, String message) {
        String path = cli.getCommandSpec().qualifiedName(" ");
        String withoutRoot = path.contains(" ") ? path.substring(path.indexOf(' ') + 1) : path;
        return message != null && message.startsWith(withoutRoot + ":") ? message
                : cli.getCommandName() + ": " + message;
    }
}
