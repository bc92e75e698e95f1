package dev.tralign.evaluator.judge;

import static dev.tralign.config.ConfigKey.Validator.any;
import static dev.tralign.config.ConfigKey.Validator.oneOf;

import dev.tralign.config.ConfigType;
import dev.tralign.config.KeyTable;
import dev.tralign.config.Settings;

/**
 * The judge's settings as documented keys ({@link KeyTable}); the CLI offers them as options ({@code judge_url} is
 * {@code --judge-url}, or {@code TRALIGN_JUDGE_URL}) and lists them for {@code --list-keys}. The ranges and the rules
 * between keys are {@link OpenAiJudgeConfig}'s, whose messages name these options. The API key is a secret and no
 * key: {@code --judge-api-key} or {@code TRALIGN_JUDGE_API_KEY(_FILE)}.
 */
public final class JudgeKeys {

    public static final String JUDGE = "judge";
    public static final String URL = "judge_url";
    public static final String MODEL = "judge_model";
    public static final String CHECKPOINT = "judge_checkpoint";
    public static final String WORLD_SEED = "world_seed";
    public static final String CONNECT_TIMEOUT = "judge_connect_timeout";
    public static final String REQUEST_TIMEOUT = "judge_request_timeout";
    public static final String MAX_RETRIES = "judge_max_retries";
    public static final String INITIAL_BACKOFF = "judge_initial_backoff";
    public static final String MAX_BACKOFF = "judge_max_backoff";
    public static final String MAX_CONCURRENCY = "judge_max_concurrency";
    public static final String MAX_TOKENS = "judge_max_tokens";
    public static final String RATINGS = "judge_ratings";

    /** Judge kinds. */
    public static final String LLM = "llm";
    public static final String REWARD_MODEL = "reward-model";
    public static final String WORLD_GOLD = "world-gold";

    public static final KeyTable TABLE = KeyTable.builder("judge")
            .key(JUDGE, ConfigType.STRING, REWARD_MODEL, oneOf(LLM, REWARD_MODEL, WORLD_GOLD),
                    "llm (OpenAI-compatible chat completions), reward-model, or world-gold (the synthetic world's "
                            + "gold reward).")
            .key(URL, ConfigType.STRING, "", any(), "llm: base URL of the server (vLLM, llama.cpp, OpenAI).")
            .key(MODEL, ConfigType.STRING, "", any(), "llm: model name.")
            .key(CHECKPOINT, ConfigType.STRING, "", any(), "reward-model: the checkpoint that scores completions.")
            .key(WORLD_SEED, ConfigType.LONG, 1L, any(), "world-gold: seed of the synthetic world.")
            .key(CONNECT_TIMEOUT, ConfigType.DURATION, OpenAiJudgeConfig.DEFAULT_CONNECT_TIMEOUT, any(),
                    "llm: longest wait to connect.")
            .key(REQUEST_TIMEOUT, ConfigType.DURATION, OpenAiJudgeConfig.DEFAULT_REQUEST_TIMEOUT, any(),
                    "llm: longest wait for one answer.")
            .key(MAX_RETRIES, ConfigType.INT, OpenAiJudgeConfig.DEFAULT_MAX_RETRIES, any(),
                    "llm: retries of a failed or rate-limited request (0-20), with exponential backoff.")
            .key(INITIAL_BACKOFF, ConfigType.DURATION, OpenAiJudgeConfig.DEFAULT_INITIAL_BACKOFF, any(),
                    "llm: first wait before a retry (a Retry-After header wins).")
            .key(MAX_BACKOFF, ConfigType.DURATION, OpenAiJudgeConfig.DEFAULT_MAX_BACKOFF, any(),
                    "llm: cap on the wait between retries.")
            .key(MAX_CONCURRENCY, ConfigType.INT, OpenAiJudgeConfig.DEFAULT_MAX_CONCURRENCY, any(),
                    "llm: requests in flight at once (1-256).")
            .key(MAX_TOKENS, ConfigType.INT, OpenAiJudgeConfig.DEFAULT_MAX_TOKENS, any(), "llm: max_tokens of each answer.")
            .key(RATINGS, ConfigType.BOOLEAN, false, any(),
                    "llm: also ask for absolute 1-10 ratings of the candidate.")
            .build();

    private JudgeKeys() {
    }

    /** The LLM judge's config; {@code apiKey} null = none. */
    public static OpenAiJudgeConfig openAi(Settings s, String apiKey) {
        if (s.string(URL).isEmpty() || s.string(MODEL).isEmpty()) {
            throw new IllegalArgumentException("--judge llm needs --judge-url and --judge-model");
        }
        OpenAiJudgeConfig.Builder b = OpenAiJudgeConfig.builder(s.string(URL), s.string(MODEL))
                .optConnectTimeout(s.duration(CONNECT_TIMEOUT))
                .optRequestTimeout(s.duration(REQUEST_TIMEOUT))
                .optMaxRetries(s.integer(MAX_RETRIES))
                .optBackoff(s.duration(INITIAL_BACKOFF), s.duration(MAX_BACKOFF))
                .optMaxConcurrency(s.integer(MAX_CONCURRENCY))
                .optMaxTokens(s.integer(MAX_TOKENS))
                .optRatings(s.bool(RATINGS));
        if (apiKey != null) {
            b.optApiKey(apiKey);
        }
        return b.build();
    }
}
