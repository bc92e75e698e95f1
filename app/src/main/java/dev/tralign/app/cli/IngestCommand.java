package dev.tralign.app.cli;

import dev.tralign.ingest.IngestKeys;
import dev.tralign.ingest.file.FileImporter;
import dev.tralign.ingest.http.HttpIngestConfig;
import dev.tralign.ingest.http.IngestHttpServer;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.ingest.streams.IngestStreams;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import dev.tralign.metrics.MetricsHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Everything that brings feedback into tralign: files, HTTP, and the raw topic any producer may write. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Bring feedback in: import files, serve HTTP, or normalise the raw topic.",
        subcommands = {IngestCommand.File.class, IngestCommand.Serve.class, IngestCommand.Normalise.class})
final class IngestCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "file", mixinStandardHelpOptions = true, modelTransformer = File.Keys.class,
            description = "Import preference/feedback files (JSON lines or arrays, plain or .gz) exactly once.")
    static final class File implements Callable<Integer> {

        /** Its options: ingest's limits and the file format ({@link IngestKeys}). */
        static final class Keys implements IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return KeyOptions.addTo(KeyOptions.addTo(spec, IngestKeys.FILE), IngestKeys.LIMITS);
            }
        }

        @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files to import.")
        List<Path> files;

        @Mixin
        ConnectionOptions connection;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (KeyOptions.listKeysAsked(spec)) {
                return KeyOptions.printListing(spec, IngestKeys.FILE, IngestKeys.LIMITS);
            }
            Format parsed = IngestKeys.format(KeyOptions.read(spec, IngestKeys.FILE));
            IngestLimits checked = IngestKeys.limits(KeyOptions.read(spec, IngestKeys.LIMITS));
            InputFiles.requireReadable(files);
            connection.requireReachable();
            // The importer prints progress and the summary (accepted / duplicate / dead-lettered) itself.
            FileImporter.run(connection.kafkaSettings(), connection.serdeSettings(), files, parsed, checked);
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, modelTransformer = Serve.Keys.class,
            description = "Accept feedback over HTTP: POST /v1/preferences and /v1/feedback; GET /healthz.")
    static final class Serve implements Callable<Integer> {

        /** Its options: the front door's settings and ingest's limits ({@link IngestKeys}). */
        static final class Keys implements IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return KeyOptions.addTo(KeyOptions.addTo(spec, IngestKeys.HTTP), IngestKeys.LIMITS);
            }
        }

        // A secret, read from its own variable: not a key (never listed with a value, never in a config file).
        @Option(names = "--token", defaultValue = "${env:TRALIGN_INGEST_TOKEN}",
                description = "Bearer token clients must send (default: env TRALIGN_INGEST_TOKEN; unset = no auth).")
        String token;

        @Mixin
        ConnectionOptions connection;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (KeyOptions.listKeysAsked(spec)) {
                return KeyOptions.printListing(spec, IngestKeys.HTTP, IngestKeys.LIMITS);
            }
            HttpIngestConfig config = IngestKeys.http(KeyOptions.read(spec, IngestKeys.HTTP),
                    IngestKeys.limits(KeyOptions.read(spec, IngestKeys.LIMITS)), token);
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
            modelTransformer = Normalise.Keys.class,
            description = "Normalise JSON on tralign.raw into typed topics (bad records to the DLQ) and pair "
                    + "thumbs up/down on the same prompt into preference pairs.")
    static final class Normalise implements Callable<Integer> {

        /** Its options: the topology's state directory and ingest's limits ({@link IngestKeys}). */
        static final class Keys implements IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return KeyOptions.addTo(KeyOptions.addTo(spec, IngestKeys.NORMALISE), IngestKeys.LIMITS);
            }
        }

        @Mixin
        MetricsOptions metricsOptions;

        @Mixin
        ConnectionOptions connection;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (KeyOptions.listKeysAsked(spec)) {
                return KeyOptions.printListing(spec, IngestKeys.NORMALISE, IngestKeys.LIMITS);
            }
            Path stateDir = IngestKeys.stateDir(KeyOptions.read(spec, IngestKeys.NORMALISE));
            IngestLimits limits = IngestKeys.limits(KeyOptions.read(spec, IngestKeys.LIMITS));
            IngestStreams.Options defaults = IngestStreams.Options.defaults(stateDir);
            IngestStreams.Options options = new IngestStreams.Options(defaults.applicationId(), defaults.format(),
                    limits, defaults.pairWindow(), stateDir, defaults.pairing());
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
