package dev.tralign.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes the endpoint's JSON answers. Error bodies say what to change; they never name a Java or Kafka class. */
final class Responses {

    static final ObjectMapper JSON = new ObjectMapper();

    private Responses() {
    }

    static ObjectNode error(String requestId, String message) {
        ObjectNode body = JSON.createObjectNode();
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        return body.put("error", message);
    }

    /**
     * Writes {@code body} with {@code status}. {@code close} asks the client to close the connection: used when
     * the request body is left unread (refused before reading it), so the server never waits for those bytes.
     */
    static void json(Response response, Callback callback, int status, ObjectNode body, boolean close) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            bytes = "{\"error\":\"internal error\"}".getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    static void text(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
