package dev.tralign.evaluator.judge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The judge against a real local HTTP server that answers like vLLM / OpenAI chat-completions: good answers,
 * position-biased answers, garbage, 500s, 401, timeouts and a check of the concurrency limit.
 */
class OpenAiCompatibleJudgeIT {

    private static final String KEY = "sk-test-key-123";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A canned HTTP answer. */
    private record Reply(int status, String body) {
        static Reply content(String text) {
            return new Reply(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"judge\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                    + quote(text) + "},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13}}");
        }

        private static String quote(String text) {
            try {
                return MAPPER.writeValueAsString(text);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private HttpServer server;
    private ExecutorService serverThreads;
    private final AtomicInteger requests = new AtomicInteger();
    private final Queue<String> authorizations = new ConcurrentLinkedQueue<>();
    private final Queue<JsonNode> bodies = new ConcurrentLinkedQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Function<String, Reply> script = OpenAiCompatibleJudgeIT::prefersGood;

    /** A fair judge: picks whichever position holds the output containing GOOD. */
    private static Reply prefersGood(String userMessage) {
        int a = userMessage.indexOf("## Output (a)");
        int b = userMessage.indexOf("## Output (b)");
        String outputA = userMessage.substring(a, b);
        return Reply.content(outputA.contains("GOOD") ? "Output (a)" : "Output (b)");
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(auth == null ? "" : auth);
        JsonNode body = MAPPER.readTree(exchange.getRequestBody().readAllBytes());
        bodies.add(body);
        Reply reply = script.apply(body.path("messages").path(1).path("content").asText());
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private OpenAiJudgeConfig.Builder config() {
        return OpenAiJudgeConfig.builder("http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "judge")
                .optApiKey(KEY)
                .optBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .optMaxRetries(2)
                .optRequestTimeout(Duration.ofSeconds(5));
    }

    @Test
    void fairJudgeGivesTheCandidateTheWinBothWaysRound() {
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().build());

        assertThat(judge.judge("q", "GOOD answer", "poor answer").preference()).isEqualTo(2.0);
        assertThat(judge.judge("q", "poor answer", "GOOD answer").preference()).isEqualTo(1.0);
        assertThat(requests.get()).isEqualTo(4);
        assertThat(authorizations).containsOnly("Bearer " + KEY);
        JsonNode first = bodies.peek();
        assertThat(first.path("model").asText()).isEqualTo("judge");
        assertThat(first.path("temperature").asDouble()).isEqualTo(0.0);
        assertThat(first.path("messages").path(0).path("role").asText()).isEqualTo("system");
        assertThat(judge.name()).isEqualTo("llm:judge");
    }

    @Test
    void positionBiasedJudgeOnlyProducesTies() {
        script = message -> Reply.content("Output (a)");
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().build());

        assertThat(judge.judge("q", "GOOD answer", "poor answer").preference()).isEqualTo(1.5);
    }

    @Test
    void identicalOutputsTieWithoutAsking() {
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().build());

        assertThat(judge.judge("q", "same", "same").preference()).isEqualTo(1.5);
        assertThat(requests.get()).isZero();
    }

    @Test
    void garbageAnswersAreMissingJudgments() {
        script = message -> Reply.content("As an AI I find both outputs wonderful.");
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().build());

        Verdict verdict = judge.judge("q", "GOOD answer", "poor answer");

        assertThat(verdict.isMissing()).isTrue();
        assertThat(verdict.missingReason()).contains("unparseable answer").doesNotContain(KEY);
        assertThat(requests.get()).as("unparseable text is final, not retried").isEqualTo(2);
    }

    @Test
    void bodiesThatAreNotChatCompletionsAreMissingJudgments() {
        script = message -> new Reply(200, message.contains("GOOD answer\n\n## Output (b)")
                ? "<html>proxy error</html>" : "{\"choices\":[]}");
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().build());

        assertThat(judge.judge("q", "GOOD answer", "poor answer").isMissing()).isTrue();
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() {
        AtomicInteger calls = new AtomicInteger();
        script = message -> calls.incrementAndGet() % 3 == 0 ? prefersGood(message) : new Reply(500, "overloaded");
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().build());

        Verdict verdict = judge.judge("q", "GOOD answer", "poor answer");

        assertThat(verdict.preference()).isEqualTo(2.0);
        assertThat(requests.get()).as("two 500s then success, for each of the two positions").isEqualTo(6);
    }

    @Test
    void persistentFailureGivesUpAfterTheRetryBudget() {
        script = message -> new Reply(503, "down");
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().optMaxRetries(2).build());

        assertThat(judge.judge("q", "GOOD answer", "poor answer").isMissing()).isTrue();
        assertThat(requests.get()).isEqualTo(2 * 3);
    }

    @Test
    void clientErrorsAreNotRetried() {
        script = message -> new Reply(401, "{\"error\":\"invalid api key\"}");
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().build());

        Verdict verdict = judge.judge("q", "GOOD answer", "poor answer");

        assertThat(verdict.isMissing()).isTrue();
        assertThat(verdict.missingReason()).contains("HTTP 401");
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void slowServerTimesOutIntoAMissingJudgment() {
        script = message -> {
            awaitRelease();
            return prefersGood(message);
        };
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(
                config().optRequestTimeout(Duration.ofMillis(200)).optMaxRetries(1).build());

        assertThat(judge.judge("q", "GOOD answer", "poor answer").isMissing()).isTrue();
        assertThat(requests.get()).isEqualTo(2 * 2);
    }

    @Test
    void unreachableServerIsAMissingJudgmentNotACrash() {
        OpenAiJudgeConfig config = config().build();
        server.stop(0);
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config);

        assertThat(judge.judge("q", "GOOD answer", "poor answer").isMissing()).isTrue();
    }

    @Test
    void concurrencyLimitBoundsRequestsInFlight() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        // Each request waits for a partner: with a limit of 2 they meet in pairs; a limit of 1 would break the
        // barrier (timeout) and more than 2 would show in maxInFlight.
        CyclicBarrier pair = new CyclicBarrier(2);
        script = message -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                pair.await(5, TimeUnit.SECONDS);
                return prefersGood(message);
            } catch (Exception e) {
                return new Reply(400, "barrier broken: " + e);
            } finally {
                inFlight.decrementAndGet();
            }
        };
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().optMaxConcurrency(2).build());
        List<Comparison> comparisons = List.of(
                new Comparison("q1", "GOOD 1", "poor 1"),
                new Comparison("q2", "poor 2", "GOOD 2"),
                new Comparison("q3", "GOOD 3", "poor 3"),
                new Comparison("q4", "GOOD 4", "poor 4"));

        List<Verdict> verdicts = judge.judgeAll(comparisons);

        assertThat(verdicts).extracting(Verdict::preference).containsExactly(2.0, 1.0, 2.0, 2.0);
        assertThat(maxInFlight.get()).isEqualTo(2);
        assertThat(requests.get()).isEqualTo(8);
    }

    @Test
    void ratingsAreRequestedWhenEnabled() {
        script = message -> message.startsWith("Rate the answer")
                ? Reply.content("coherence: 7\ncorrectness: 8\nlevel of detail: 5\nhelpfulness: 6\nharmlessness: 10")
                : prefersGood(message);
        OpenAiCompatibleJudge judge = new OpenAiCompatibleJudge(config().optRatings(true).build());

        Verdict verdict = judge.judge("q", "GOOD answer", "poor answer");

        assertThat(verdict.preference()).isEqualTo(2.0);
        assertThat(verdict.ratings()).containsEntry("coherence", 7.0).containsEntry("detail", 5.0).hasSize(5);
        assertThat(requests.get()).isEqualTo(3);
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
