package dev.tralign.app.cli;

import dev.tralign.ingest.file.FileImporter;
import dev.tralign.ingest.http.HttpIngestConfig;
import dev.tralign.ingest.http.IngestHttpServer;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.ingest.streams.IngestStreams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import dev.tralign.metrics.MetricsHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Everything that brings feedback into tralign: files, HTTP, and the raw topic any producer may write. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Bring feedback in: import files, serve HTTP, or normalise the raw topic.",
        subcommands = {IngestCommand.File.class, IngestCommand.Serve.class, IngestCommand.Normalise.class})
final class IngestCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "file", mixinStandardHelpOptions = true,
            description = "Import preference/feedback files (JSON lines or arrays, plain or .gz) exactly once.")
    static final class File implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files to import.")
        List<Path> files;

        @Option(names = "--format", defaultValue = "auto",
                description = "auto, preference, conversational, hh-rlhf or binary (default: ${DEFAULT-VALUE}).")
        String format;

        @Mixin
        IngestLimitOptions limits;

        @Mixin
        ConnectionOptions connection;

        @Override
        public Integer call() {
            InputFiles.requireReadable(files);
            Format parsed = Format.fromOption(format);
            IngestLimits checked = limits.limits();
            connection.requireReachable();
            // The importer prints progress and the summary (accepted / duplicate / dead-lettered) itself.
            FileImporter.run(connection.kafkaSettings(), connection.serdeSettings(), files, parsed, checked);
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Accept feedback over HTTP: POST /v1/preferences and /v1/feedback; GET /healthz.")
    static final class Serve implements Callable<Integer> {

        @Option(names = "--port", defaultValue = "8090", description = "HTTP port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--token", defaultValue = "${env:TRALIGN_INGEST_TOKEN}",
                description = "Bearer token clients must send (default: env TRALIGN_INGEST_TOKEN; unset = no auth).")
        String token;

        @Option(names = "--max-body-bytes", defaultValue = "8388608",
                description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
        int maxBodyBytes;

        @Option(names = "--max-records", defaultValue = "10000",
                description = "Most records in one request; more get 413 (default: ${DEFAULT-VALUE}).")
        int maxRecords;

        @Option(names = "--max-in-flight", defaultValue = "20000",
                description = "Records waiting for the broker at once, at least --max-records; a request that does "
                        + "not fit gets 429 (default: ${DEFAULT-VALUE}).")
        int maxInFlight;

        @Option(names = "--max-buffered-bytes", defaultValue = "67108864",
                description = "Bytes of request bodies held at once, taken as they arrive, at least "
                        + "--max-body-bytes; when spent, 429 (default: ${DEFAULT-VALUE}).")
        long maxBufferedBytes;

        @Option(names = "--read-timeout", defaultValue = "PT10S",
                description = "Longest pause in a request's bytes, or of an idle connection, before 408 and close "
                        + "(ISO-8601, default: ${DEFAULT-VALUE}).")
        Duration readTimeout;

        @Option(names = "--request-timeout", defaultValue = "PT30S",
                description = "Longest time from a request's first byte to its answer, broker acknowledgement "
                        + "included (ISO-8601, default: ${DEFAULT-VALUE}).")
        Duration requestTimeout;

        @Option(names = "--max-connections", defaultValue = "1024",
                description = "Open connections at most; past it new ones wait until one closes (default: "
                        + "${DEFAULT-VALUE}).")
        int maxConnections;

        @Mixin
        IngestLimitOptions limits;

        @Mixin
        ConnectionOptions connection;

        @Override
        public Integer call() throws Exception {
            HttpIngestConfig config = new HttpIngestConfig(host, port, token, maxBodyBytes, maxInFlight,
                    limits.limits(), maxRecords, maxBufferedBytes, readTimeout, requestTimeout, maxConnections);
            connection.requireReachable();
            IngestHttpServer server = IngestHttpServer.start(config, connection.kafkaSettings(),
                    connection.serdeSettings());
            System.out.println("ingest listening on " + server.url() + " (POST /v1/preferences, /v1/feedback; GET "
                    + "/healthz, /healthz/ready, /metrics)"
                    + (token == null ? "; no bearer token set: local use only" : "; bearer token required"));
            Waiting.untilInterrupted("ingest serve", server::close);
            return 0;
        }
    }

    @Command(name = "normalise", aliases = "normalize", mixinStandardHelpOptions = true,
            description = "Normalise JSON on tralign.raw into typed topics (bad records to the DLQ) and pair "
                    + "thumbs up/down on the same prompt into preference pairs.")
    static final class Normalise implements Callable<Integer> {

        @Option(names = "--state-dir", defaultValue = ".tralign/ingest-streams",
                description = "Kafka Streams state directory (default: ${DEFAULT-VALUE}).")
        Path stateDir;

        @Mixin
        IngestLimitOptions limits;

        @Mixin
        MetricsOptions metricsOptions;

        @Mixin
        ConnectionOptions connection;

        @Override
        public Integer call() throws Exception {
            IngestStreams.Options defaults = IngestStreams.Options.defaults(stateDir);
            IngestStreams.Options options = new IngestStreams.Options(defaults.applicationId(), defaults.format(),
                    limits.limits(), defaults.pairWindow(), stateDir, defaults.pairing());
            connection.requireReachable();
            IngestStreams streams = IngestStreams.start(connection.kafkaSettings(), connection.serdeSettings(),
                    options);
            // A bad record never stops Streams (it is dead-lettered); a fatal error does, and then the process exits
            // non-zero so its supervisor restarts it instead of leaving a live process that does nothing.
            streams.stopped().thenAccept(reason -> {
                System.err.println("ingest normalise: " + reason + "; exiting with status 1 so a supervisor restarts it");
                new Thread(() -> System.exit(1), "ingest-normalise-exit").start();
            });
            System.out.println("normalising tralign.raw (exactly once); state in " + stateDir.toAbsolutePath());
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            streams.bindMetrics(registry);
            MetricsHttpServer metricsToClose = metricsOptions.startIfAsked("ingest normalise", registry,
                    streams::healthy);
            Waiting.untilInterrupted("ingest normalise", () -> {
                if (metricsToClose != null) {
                    metricsToClose.close();
                }
                streams.close();
            });
            return 0;
        }
    }
}
