package dev.tralign.ingest.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own answers (a malformed request line, a bad Content-Length, headers too large, a failure in a handler)
 * as JSON that says what to change, without stack traces or class names.
 */
final class JsonErrorHandler extends ErrorHandler {

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Object message = request.getAttribute(ERROR_MESSAGE);
        int status = response.getStatus();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(status, status < 500 && message instanceof String text ? text : null)
                .getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    static String body(int status, String reason) {
        String what = reason == null ? "" : " (" + reason + ")";
        String fix;
        if (reason != null && reason.toLowerCase(java.util.Locale.ROOT).contains("content-length")) {
            fix = "the Content-Length header is not a valid length" + what + "; send the body's size in bytes as "
                    + "one decimal number, or send the body with Transfer-Encoding: chunked";
        } else if (status == 431) {
            fix = "the request headers are too large" + what + "; send fewer or shorter headers";
        } else if (status >= 500) {
            fix = "the server failed on this request; retry, and report it if it persists";
        } else {
            fix = "the request is not valid HTTP/1.1" + what + "; see docs/ingest.md for the endpoints";
        }
        return Responses.JSON.createObjectNode().put("error", fix).toString();
    }
}
