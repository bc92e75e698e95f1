package dev.tralign.ingest.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** GET /metrics: the registry in Prometheus text format 0.0.4. */
final class MetricsHandler {

    private final PrometheusMeterRegistry registry;

    MetricsHandler(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    boolean handle(Request request, Response response, Callback callback) {
        if (!request.getMethod().equals("GET")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            Responses.json(response, callback, 405, Responses.error(null, "use GET /metrics"), true);
            return true;
        }
        Responses.text(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        return true;
    }
}
