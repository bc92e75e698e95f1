package dev.tralign.app.cli;

import dev.tralign.trainerservice.RunSummary;
import dev.tralign.trainerservice.TrainerService;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.config.RunConfigDef;
import dev.tralign.metrics.MetricsHttpServer;
import dev.tralign.trainerservice.metrics.TrainerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs one training run from a config file: bounded over a captured offset range, or streaming until stopped. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a policy from preference topics with DPO/IPO/KTO or their TR variants (exactly once).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", description = "Run config (.properties with TRL names: loss_type, beta, "
            + "sync_ref_model, ...). See --list-keys.")
    Path config;

    @Option(names = "--run-id", description = "Run id (default: from the config, or derived from its digest).")
    String runId;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. --set beta=0.05 "
            + "(repeatable; env TRALIGN_RUN_<KEY> with '_' for '.' and '__' for '_', e.g. TRALIGN_RUN_LOSS__TYPE).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Mixin
    MetricsOptions metricsOptions;

    @Option(names = "--list-keys", description = "Print every config key with its default and meaning, then exit.")
    boolean listKeys;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (listKeys) {
            System.out.println(RunConfigDef.toMarkdown());
            return 0;
        }
        if (config == null) {
            throw new IllegalArgumentException("--config FILE is required (see --list-keys for what it may hold)");
        }
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("--config " + config + " does not exist or is not a file");
        }
        RunConfig run = RunConfig.load(config, settings());
        connection.bootstrap = run.definedSettings().get(RunConfigDef.BOOTSTRAP_SERVERS);
        connection.requireReachable();
        CountDownLatch finished = new CountDownLatch(1);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TrainerService trainer = new TrainerService(run);
                MetricsHttpServer metrics = metricsOptions.startIfAsked("train", registry,
                        () -> finished.getCount() > 0)) {
            if (metrics != null) {
                TrainerMetrics meters = new TrainerMetrics(registry, run.runId(), run.checkpointDir());
                trainer.addProgressListener(meters);
                trainer.addMetricsListener(meters::published);
            }
            // SIGTERM / Ctrl-C: finish the step, checkpoint, then let the JVM exit (hooks must wait for that).
            Thread stopper = new Thread(() -> {
                if (finished.getCount() == 0) {
                    return; // the run already ended: this is the normal exit, not a stop request
                }
                System.err.println("train: stopping after the current step (checkpoint first)...");
                trainer.stop();
                try {
                    finished.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "train-sigterm");
            Runtime.getRuntime().addShutdownHook(stopper);
            RunSummary summary;
            try {
                summary = trainer.run();
            } finally {
                finished.countDown();
            }
            System.out.printf("run %s: %d steps, last checkpoint %s (sha256 %s), %d dead letters%s%n",
                    summary.runId(), summary.steps(), summary.lastCheckpoint(), summary.lastSha256(),
                    summary.deadLetters(), summary.resumedFromStep() > 0
                            ? ", resumed from step " + summary.resumedFromStep() : "");
        }
        return 0;
    }

    /**
     * The settings over the config file, strongest last: connection options given on the command line or in the
     * environment (the built-in defaults do not override the file), TRALIGN_RUN_* variables, --set, --run-id.
     */
    Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, String> connectionSettings = connection.asRunSettings();
        connectionSettings.forEach((key, value) -> {
            boolean given = key.equals(RunConfigDef.BOOTSTRAP_SERVERS) ? connection.bootstrapGiven()
                    : !key.equals(RunConfigDef.SCHEMA_REGISTRY_URL) || connection.registryGiven();
            if (given) {
                settings.put(key, value);
            }
        });
        settings.putAll(EnvironmentDefaults.of(spec).keyed("--set"));
        settings.putAll(overrides);
        if (runId != null) {
            settings.put(RunConfigDef.RUN_ID, runId);
        }
        moveUserInfoOutOfRegistryUrl(settings);
        return settings;
    }

    /**
     * schema.registry.url is stored in plain text with the run (logs, checkpoint metadata), so credentials in it
     * (https://user:password@host) move to registry.basic.auth.user.info, which is always masked.
     */
    private static void moveUserInfoOutOfRegistryUrl(Map<String, String> settings) {
        String url = settings.get(RunConfigDef.SCHEMA_REGISTRY_URL);
        if (url == null || !url.contains("@")) {
            return;
        }
        java.net.URI uri = java.net.URI.create(url);
        if (uri.getRawUserInfo() == null) {
            return;
        }
        settings.put(RunConfigDef.SCHEMA_REGISTRY_URL, url.replace(uri.getRawUserInfo() + "@", ""));
        settings.putIfAbsent(RunConfigDef.REGISTRY_PREFIX + "basic.auth.user.info",
                java.net.URLDecoder.decode(uri.getRawUserInfo(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
