package dev.tralign.evaluator.judge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Minimal OpenAI chat-completions client (java.net.http): one system + one user message, temperature 0.
 *
 * <p>Timeouts, I/O errors, 429 and 5xx are retried with {@link Backoff} up to the configured number of
 * retries; other statuses and bodies without choices[0].message.content are final. Every failure is a
 * {@link Result} with a reason, never an exception. A semaphore bounds the requests in flight across all
 * threads; it is not held while backing off. The API key goes into the Authorization header only.
 */
public final class ChatCompletionsClient {

    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletionsClient.class);

    private final OpenAiJudgeConfig config;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final Backoff backoff;
    private final ObjectMapper mapper = new ObjectMapper();

    /** A reply's text, or why there is none. */
    public record Result(String content, String failure) {
        /** True when the server answered with content. */
        public boolean ok() {
            return content != null;
        }
    }

    /** Creates the client; no request is sent yet. */
    public ChatCompletionsClient(OpenAiJudgeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
        this.inFlight = new Semaphore(config.maxConcurrency(), true);
        this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff());
    }

    /** Sends one chat request (with retries) and returns the first choice's content. */
    public Result complete(String system, String user) {
        String body = requestBody(system, user);
        String lastFailure = "no attempt";
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0 && !pause(attempt)) {
                return new Result(null, "interrupted while backing off after: " + lastFailure);
            }
            Attempt outcome = send(body);
            if (outcome.result != null) {
                return outcome.result;
            }
            lastFailure = outcome.retriableFailure;
            LOG.debug("judge request to {} failed (attempt {} of {}): {}", config.chatCompletionsUri(),
                    attempt + 1, config.maxRetries() + 1, lastFailure);
        }
        return new Result(null, "gave up after " + (config.maxRetries() + 1) + " attempts: " + lastFailure);
    }

    /** Either a final result or a retriable failure. */
    private record Attempt(Result result, String retriableFailure) {
    }

    private Attempt send(String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.chatCompletionsUri())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (config.apiKey() != null) {
            request.header("Authorization", "Bearer " + config.apiKey());
        }
        HttpResponse<String> response;
        try {
            inFlight.acquire();
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } finally {
                inFlight.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(new Result(null, "interrupted"), null);
        } catch (IOException e) {
            // Includes HttpTimeoutException and refused connections: the server may come back.
            return new Attempt(null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            return new Attempt(null, "HTTP " + status);
        }
        if (status != 200) {
            return new Attempt(new Result(null, "HTTP " + status + " (not retried): " + abbreviate(response.body())),
                    null);
        }
        return new Attempt(parseContent(response.body()), null);
    }

    private Result parseContent(String body) {
        try {
            JsonNode content = mapper.readTree(body).path("choices").path(0).path("message").path("content");
            if (!content.isTextual()) {
                return new Result(null, "reply has no choices[0].message.content: " + abbreviate(body));
            }
            return new Result(content.asText(), null);
        } catch (JsonProcessingException e) {
            return new Result(null, "reply is not JSON: " + abbreviate(body));
        }
    }

    private boolean pause(int retry) {
        try {
            Thread.sleep(backoff.delayBeforeRetry(retry).toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String requestBody(String system, String user) {
        ObjectNode root = mapper.createObjectNode();
        root.put("model", config.model());
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", user);
        root.put("temperature", 0.0);
        root.put("max_tokens", config.maxTokens());
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a request of plain strings", e);
        }
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    @Override
    public String toString() {
        return "ChatCompletionsClient[" + config + "]";
    }
}
