package dev.tralign.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP in and out: reads the JSON body, routes, calls {@link RegistryService}, writes the JSON reply. Every
 * failure, including bugs, becomes a JSON error with Confluent's fields; the server never dies of a request.
 */
final class RegistryHttpHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final int MAX_BODY = 16 * 1024 * 1024;

    private final RegistryService service;

    RegistryHttpHandler(RegistryService service) {
        this.service = service;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            Object reply;
            try {
                reply = dispatch(exchange);
            } catch (RegistryError e) {
                status = e.status();
                reply = error(e.code(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                status = 500;
                reply = error(50001, "Error in the backend data store: " + e.getMessage());
            }
            byte[] bytes = reply instanceof RegistryService.RawJson raw
                    ? raw.json().getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(reply);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private Object dispatch(HttpExchange exchange) throws IOException {
        Router.Match match = Router.match(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery());
        if (match instanceof Router.NotFound) {
            throw new RegistryError(404, 404, "HTTP 404 Not Found: " + exchange.getRequestURI().getPath());
        }
        if (match instanceof Router.MethodNotAllowed) {
            throw new RegistryError(405, 405, "HTTP 405 Method Not Allowed: " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getPath());
        }
        Route route = ((Router.Found) match).route();
        return service.handle(route, readBody(exchange));
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new RegistryError(413, 413, "request body larger than " + MAX_BODY + " bytes");
            }
            if (bytes.length == 0) {
                return null;
            }
            try {
                return JSON.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw new RegistryError(400, 400, "the request body is not JSON: " + e.getOriginalMessage());
            }
        }
    }

    private static Map<String, Object> error(int code, String message) {
        return Map.of("error_code", code, "message", message == null ? "" : message);
    }
}
