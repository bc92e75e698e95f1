package dev.tralign.app.cli;

import dev.tralign.ingest.parse.IngestLimits;
import picocli.CommandLine.Option;

/** The record and text size limits every ingest path applies the same way (file, serve, normalise). */
final class IngestLimitOptions {

    @Option(names = "--max-text-bytes", defaultValue = "65536",
            description = "Largest prompt/answer/completion in UTF-8 bytes; longer ones are dead-lettered "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxTextBytes;

    @Option(names = "--max-record-bytes", defaultValue = "524288",
            description = "Largest record (a JSON line, an array element, a single object, a raw-topic record) in "
                    + "bytes; longer ones are dead-lettered (default: ${DEFAULT-VALUE}).")
    int maxRecordBytes;

    IngestLimits limits() {
        return new IngestLimits(maxTextBytes, maxRecordBytes);
    }
}
