package dev.tralign.ingest.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * GET /healthz (alive: 200 while the server answers, with {@code ready} and the buffer fill) and GET /healthz/ready
 * (ready: 200 while the broker answers, else 503 with the reason). Liveness must not depend on the broker, or a
 * supervisor would restart a healthy process while Kafka is down; readiness tells a load balancer to send traffic
 * elsewhere.
 */
final class HealthHandler {

    private final InFlightLimit inFlight;
    private final ByteBudget bodyBudget;
    private final BrokerProbe broker;

    HealthHandler(InFlightLimit inFlight, ByteBudget bodyBudget, BrokerProbe broker) {
        this.inFlight = inFlight;
        this.bodyBudget = bodyBudget;
        this.broker = broker;
    }

    boolean alive(Request request, Response response, Callback callback) {
        if (!get(request, response, callback)) {
            return true;
        }
        boolean ready = broker.ready();
        ObjectNode body = Responses.JSON.createObjectNode().put("status", "alive").put("ready", ready);
        if (!ready) {
            body.put("reason", broker.problem());
        }
        body.put("inFlight", inFlight.inFlight()).put("capacity", inFlight.capacity())
                .put("bufferedBytes", bodyBudget.used()).put("maxBufferedBytes", bodyBudget.capacity());
        Responses.json(response, callback, 200, body, false);
        return true;
    }

    boolean ready(Request request, Response response, Callback callback) {
        if (!get(request, response, callback)) {
            return true;
        }
        if (broker.ready()) {
            Responses.json(response, callback, 200, Responses.JSON.createObjectNode().put("status", "ready"), false);
        } else {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(broker.retryAfterSeconds()));
            Responses.json(response, callback, 503, Responses.JSON.createObjectNode().put("status", "not ready")
                    .put("reason", broker.problem()), false);
        }
        return true;
    }

    private static boolean get(Request request, Response response, Callback callback) {
        if (request.getMethod().equals("GET")) {
            return true;
        }
        response.getHeaders().put(HttpHeader.ALLOW, "GET");
        Responses.json(response, callback, 405, Responses.error(null, "use GET " + request.getHttpURI().getPath()),
                true);
        return false;
    }
}
