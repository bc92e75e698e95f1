package dev.tralign.ingest.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** GET /healthz: 200 while the server runs, with the buffer fill. */
final class HealthHandler implements HttpHandler {

    private final InFlightLimit inFlight;

    HealthHandler(InFlightLimit inFlight) {
        this.inFlight = inFlight;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean get = exchange.getRequestMethod().equals("GET");
            byte[] body = (get ? "{\"status\":\"ok\",\"inFlight\":" + inFlight.inFlight() + ",\"capacity\":"
                    + inFlight.capacity() + "}" : "{\"error\":\"use GET /healthz\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(get ? 200 : 405, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
