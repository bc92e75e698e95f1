package dev.tralign.app.cli;

import dev.tralign.metrics.MetricsHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Option;

/** The --metrics-port / --metrics-host options every long-running command shares, and the server they start. */
final class MetricsOptions {

    @Option(names = "--metrics-port", description = "Serve Prometheus /metrics and /healthz on this port "
            + "(0 = any free port; default: off).")
    Integer metricsPort;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1",
            description = "Address for --metrics-port (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String metricsHost;

    /** Starts the server when --metrics-port was given (printing where), else returns null. */
    MetricsHttpServer startIfAsked(String command, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
        if (metricsPort == null) {
            return null;
        }
        MetricsHttpServer server = MetricsHttpServer.start(metricsHost, metricsPort, registry, healthy);
        System.out.println(command + ": metrics on http://" + metricsHost + ":" + server.port() + "/metrics, /healthz");
        return server;
    }
}
