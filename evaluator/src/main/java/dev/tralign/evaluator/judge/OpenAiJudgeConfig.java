package dev.tralign.evaluator.judge;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link OpenAiCompatibleJudge}, validated at construction with messages naming the option.
 *
 * <p>The API key is never part of {@link #toString()}; only whether one is set.
 *
 * @param baseUrl option {@value #BASE_URL}: the API root, e.g. http://localhost:8000/v1 (vLLM) or
 *     https://api.openai.com/v1; /chat/completions is appended
 * @param model option {@value #MODEL}: the model name the server expects
 * @param apiKey option {@value #API_KEY}: bearer token, null or blank for servers without auth
 * @param connectTimeout option {@value #CONNECT_TIMEOUT}
 * @param requestTimeout option {@value #REQUEST_TIMEOUT}: per attempt, until the whole answer arrived
 * @param maxRetries option {@value #MAX_RETRIES}: extra attempts after a timeout, I/O error, 429 or 5xx
 * @param initialBackoff option {@value #INITIAL_BACKOFF}: wait before the first retry, doubled each retry
 * @param maxBackoff option {@value #MAX_BACKOFF}: cap on the wait between retries
 * @param maxConcurrency option {@value #MAX_CONCURRENCY}: requests in flight at once, across all callers
 * @param maxTokens option {@value #MAX_TOKENS}: max_tokens of each answer
 * @param ratingsEnabled option {@value #RATINGS}: also ask for absolute 1-10 ratings of the candidate
 */
public record OpenAiJudgeConfig(
        URI baseUrl,
        String model,
        String apiKey,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxConcurrency,
        int maxTokens,
        boolean ratingsEnabled) {

    /** Option name of {@link #baseUrl}. */
    public static final String BASE_URL = "--judge-url";
    /** Option name of {@link #model}. */
    public static final String MODEL = "--judge-model";
    /** Option name of {@link #apiKey}. */
    public static final String API_KEY = "--judge-api-key";
    /** Option name of {@link #connectTimeout}. */
    public static final String CONNECT_TIMEOUT = "--judge-connect-timeout";
    /** Option name of {@link #requestTimeout}. */
    public static final String REQUEST_TIMEOUT = "--judge-request-timeout";
    /** Option name of {@link #maxRetries}. */
    public static final String MAX_RETRIES = "--judge-max-retries";
    /** Option name of {@link #initialBackoff}. */
    public static final String INITIAL_BACKOFF = "--judge-initial-backoff";
    /** Option name of {@link #maxBackoff}. */
    public static final String MAX_BACKOFF = "--judge-max-backoff";
    /** Option name of {@link #maxConcurrency}. */
    public static final String MAX_CONCURRENCY = "--judge-max-concurrency";
    /** Option name of {@link #maxTokens}. */
    public static final String MAX_TOKENS = "--judge-max-tokens";
    /** Option name of {@link #ratingsEnabled}. */
    public static final String RATINGS = "--judge-ratings";

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONCURRENCY = 4;
    public static final int DEFAULT_MAX_TOKENS = 64;

    /** Validates every option. */
    public OpenAiJudgeConfig {
        Objects.requireNonNull(baseUrl, BASE_URL + " is required, e.g. http://localhost:8000/v1");
        String scheme = baseUrl.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException(BASE_URL + " must be an http(s) URL such as http://localhost:8000/v1, got '"
                    + baseUrl + "'");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(MODEL + " is required: the model name your server serves "
                    + "(e.g. the --served-model-name of vLLM)");
        }
        requirePositive(connectTimeout, CONNECT_TIMEOUT);
        requirePositive(requestTimeout, REQUEST_TIMEOUT);
        requirePositive(initialBackoff, INITIAL_BACKOFF);
        requirePositive(maxBackoff, MAX_BACKOFF);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(MAX_BACKOFF + " (" + maxBackoff + ") must be at least "
                    + INITIAL_BACKOFF + " (" + initialBackoff + "); raise it or lower the initial backoff");
        }
        if (maxRetries < 0 || maxRetries > 20) {
            throw new IllegalArgumentException(MAX_RETRIES + " must be between 0 and 20, got " + maxRetries);
        }
        if (maxConcurrency < 1 || maxConcurrency > 256) {
            throw new IllegalArgumentException(MAX_CONCURRENCY + " must be between 1 and 256, got " + maxConcurrency);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException(MAX_TOKENS + " must be at least 1, got " + maxTokens
                    + "; the verdict needs a few tokens (64 is plenty without reasoning)");
        }
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    private static void requirePositive(Duration value, String option) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(option + " must be a positive duration, got " + value);
        }
    }

    /** Defaults for everything but the server and model. */
    public static Builder builder(String baseUrl, String model) {
        return new Builder(baseUrl, model);
    }

    /** The chat-completions endpoint. */
    public URI chatCompletionsUri() {
        String root = baseUrl.toString();
        return URI.create((root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + "/chat/completions");
    }

    /** The config without the API key's value. */
    @Override
    public String toString() {
        return "OpenAiJudgeConfig[baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
                + (apiKey == null ? "none" : "***") + ", connectTimeout=" + connectTimeout + ", requestTimeout="
                + requestTimeout + ", maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff + ", maxConcurrency=" + maxConcurrency + ", maxTokens=" + maxTokens
                + ", ratingsEnabled=" + ratingsEnabled + "]";
    }

    /** Builder: required values in the factory, optional ones as optX(...). */
    public static final class Builder {
        private final String baseUrl;
        private final String model;
        private String apiKey;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private boolean ratingsEnabled;

        private Builder(String baseUrl, String model) {
            this.baseUrl = baseUrl;
            this.model = model;
        }

        /** Bearer token; blank means none. */
        public Builder optApiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** Connect timeout (default 10 s). */
        public Builder optConnectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Per-attempt request timeout (default 120 s: a busy local server can be slow). */
        public Builder optRequestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** Retries after retriable failures (default 3). */
        public Builder optMaxRetries(int retries) {
            this.maxRetries = retries;
            return this;
        }

        /** First and largest wait between retries (defaults 500 ms and 30 s). */
        public Builder optBackoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** Requests in flight at once (default 4). */
        public Builder optMaxConcurrency(int concurrency) {
            this.maxConcurrency = concurrency;
            return this;
        }

        /** max_tokens per answer (default 64). */
        public Builder optMaxTokens(int tokens) {
            this.maxTokens = tokens;
            return this;
        }

        /** Also ask for absolute ratings (default off: one more request per comparison). */
        public Builder optRatings(boolean enabled) {
            this.ratingsEnabled = enabled;
            return this;
        }

        /** Validates and builds. */
        public OpenAiJudgeConfig build() {
            URI uri;
            try {
                uri = baseUrl == null ? null : URI.create(baseUrl.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(BASE_URL + " is not a URL: '" + baseUrl + "'", e);
            }
            return new OpenAiJudgeConfig(uri, model, apiKey, connectTimeout, requestTimeout, maxRetries,
                    initialBackoff, maxBackoff, maxConcurrency, maxTokens, ratingsEnabled);
        }
    }
}
