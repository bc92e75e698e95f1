package dev.tralign.app.cli;

import dev.tralign.app.world.SyntheticWorld;
import dev.tralign.app.world.WorldConfig;
import dev.tralign.config.Settings;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.evaluator.judge.Judge;
import dev.tralign.evaluator.judge.JudgeKeys;
import dev.tralign.evaluator.judge.OpenAiCompatibleJudge;
import dev.tralign.evaluator.judge.OpenAiJudgeConfig;
import dev.tralign.evaluator.judge.RewardModelJudge;
import dev.tralign.evaluator.service.CheckpointEvaluation;
import dev.tralign.evaluator.service.CheckpointEvaluatorService;
import dev.tralign.evaluator.service.EvaluatorKeys;
import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.dashboard.AlertStore;
import dev.tralign.evaluator.guard.ChampionConfig;
import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.evaluator.stream.EvaluatorTopology;
import dev.tralign.schemas.Topics;
import dev.tralign.store.CheckpointStore;
import dev.tralign.trainer.Policy;
import dev.tralign.metrics.MetricsHttpServer;
import dev.tralign.trainer.model.hf.ChatExampleEncoder;
import dev.tralign.trainer.model.hf.HfModelFolder;
import dev.tralign.trainer.model.hf.HfTokenizer;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import dev.tralign.trainer.tokenizer.Tokenizers;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The evaluator as a service: follows tralign.checkpoints, splits every checkpoint into evaluation tasks (prompt
 * shards), judges the tasks it takes against the SFT baseline and publishes one evaluation record per (run, step,
 * prompt), and runs the win-rate topology that turns them into tralign.win-rates. Start several with the same
 * --group (and the same prompts, seed, judge and --prompts-per-task) and they share the checkpoints' tasks.
 */
@Command(name = "run", mixinStandardHelpOptions = true, modelTransformer = EvaluateRunCommand.Keys.class,
        description = "Judge every checkpoint on tralign.checkpoints against the SFT baseline and stream win rates.")
final class EvaluateRunCommand implements Callable<Integer> {

    /** --tokenizer prefix of a Hugging Face model folder. */
    static final String MODEL_FOLDER = "model:";

    /** Its options: the evaluator's and the judge's keys ({@link EvaluatorKeys}, {@link JudgeKeys}). */
    static final class Keys implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return KeyOptions.addTo(KeyOptions.addTo(KeyOptions.addTo(spec, EvaluatorKeys.TABLE),
                    EvaluatorKeys.STORE), JudgeKeys.TABLE);
        }
    }

    // A secret, read from its own variable: not a key (never listed with a value).
    @Option(names = "--judge-api-key", description = "llm: API key (better: env TRALIGN_JUDGE_API_KEY or "
            + "TRALIGN_JUDGE_API_KEY_FILE). Never printed.")
    String judgeApiKey;

    // A secret, as --judge-api-key: the key of checkpoint_store's S3 account (s3_access_key_id names it).
    @Option(names = "--s3-secret-access-key", description = "S3 secret key of --checkpoint-store (better: env "
            + "TRALIGN_S3_SECRET_ACCESS_KEY or TRALIGN_S3_SECRET_ACCESS_KEY_FILE). Never printed.")
    String s3SecretAccessKey;

    @Option(names = "--win-rates", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also run the win-rate and guard topology in this process (default: ${DEFAULT-VALUE}); "
                    + "--no-win-rates makes a worker that only plans and judges.")
    boolean winRates;

    @Option(names = "--guard", split = ",", description = "Guard thresholds as key=value (docs/guard-rails.md), "
            + "e.g. guard.kl_budget=20,guard.kl_oscillation.amplitude=1.5; guard.eval_prompts is the prompt count; "
            + "--list-keys lists every guard key.")
    List<String> guardSettings = new ArrayList<>();

    @Option(names = "--champion-level", defaultValue = "0.05", description = "Significance level of the McNemar "
            + "test a checkpoint must pass to replace its family's champion (default: ${DEFAULT-VALUE}).")
    double championLevel;

    @Option(names = "--family-pattern", description = "Regular expression whose first group names a run's family "
            + "(e.g. '(.*)-seed[0-9]+'); default: every run is its own family.")
    String familyPattern;

    @Mixin
    MetricsOptions metricsOptions;


    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (KeyOptions.listKeysAsked(spec)) {
            KeyOptions.printListing(spec, EvaluatorKeys.TABLE, EvaluatorKeys.STORE, JudgeKeys.TABLE);
            spec.commandLine().getOut().print(KeyOptions.keyValueListing("--guard", GuardConfig.TABLE,
                    java.util.Map.of(GuardConfig.EVAL_PROMPTS, "(the --prompts file's count)")));
            spec.commandLine().getOut().flush();
            return 0;
        }
        Settings settings = KeyOptions.read(spec, EvaluatorKeys.TABLE);
        Settings judging = KeyOptions.read(spec, JudgeKeys.TABLE);
        OpenAiJudgeConfig llm = judging.string(JudgeKeys.JUDGE).equals(JudgeKeys.LLM)
                ? JudgeKeys.openAi(judging, judgeApiKey) : null;
        String tokenizer = settings.string(EvaluatorKeys.TOKENIZER);
        String group = settings.string(EvaluatorKeys.GROUP);
        int promptsPerTask = settings.integer(EvaluatorKeys.PROMPTS_PER_TASK);
        Path stateDir = Path.of(settings.string(EvaluatorKeys.STATE_DIR));
        List<String> promptList = readPrompts(Path.of(settings.string(EvaluatorKeys.PROMPTS)));
        GuardConfig guard = guardConfig(guardSettings, promptList.size());
        TextTokenizer textTokenizer = tokenizer(tokenizer);
        connection.requireReachable();
        Policy baseline = Policy.load(Path.of(settings.string(EvaluatorKeys.SFT)));
        Policy scorer = null;
        Judge chosen;
        switch (judging.string(JudgeKeys.JUDGE)) {
            case JudgeKeys.LLM -> chosen = new OpenAiCompatibleJudge(llm);
            case JudgeKeys.REWARD_MODEL -> {
                if (judging.string(JudgeKeys.CHECKPOINT).isEmpty()) {
                    throw new IllegalArgumentException("--judge reward-model needs --judge-checkpoint PATH");
                }
                Path judgeCheckpoint = Path.of(judging.string(JudgeKeys.CHECKPOINT));
                scorer = Policy.load(judgeCheckpoint);
                chosen = new RewardModelJudge(judgeCheckpoint.getFileName().toString(), scorer, textTokenizer);
            }
            default -> chosen = new GoldRewardJudge(
                    new SyntheticWorld(WorldConfig.defaults(judging.longValue(JudgeKeys.WORLD_SEED)))
                            .goldReward()::reward);
        }
        Topics topics = Topics.create(Topics.DEFAULT_PREFIX, connection.serdeSettings());
        CheckpointEvaluation evaluation = new CheckpointEvaluation(codec(tokenizer, textTokenizer), baseline,
                promptList, chosen, settings.integer(EvaluatorKeys.MAX_NEW_TOKENS), settings.longValue(EvaluatorKeys.SEED));
        CheckpointEvaluatorService service = new CheckpointEvaluatorService(connection.kafkaSettings(), topics,
                evaluation, group, line -> System.err.println("evaluate: " + line))
                .withFileLimits(settings.longValue(EvaluatorKeys.MAX_CHECKPOINT_BYTES),
                        settings.duration(EvaluatorKeys.HASH_TIMEOUT))
                .withStoreRetry(settings.duration(EvaluatorKeys.STORE_RETRY_TIMEOUT))
                .withSharding(promptsPerTask, settings.integer(EvaluatorKeys.TASK_PARTITIONS))
                .withSessionTimeout(settings.duration(EvaluatorKeys.SESSION_TIMEOUT))
                .withProgress(line -> System.err.println("evaluate: " + line));
        Settings storeSettings = KeyOptions.read(spec, EvaluatorKeys.STORE);
        CheckpointStore store = EvaluatorKeys.checkpointStore(storeSettings, s3SecretAccessKey);
        if (store != null) {
            service.withCheckpointStore(store, Path.of(storeSettings.string(EvaluatorKeys.DOWNLOAD_DIR)));
        }
        service.start();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KafkaStreams streams = winRates ? startWinRates(topics, guard, new AlertStore().bindTo(registry), group, stateDir) : null;
        registry.gauge("tralign_evaluator_checkpoints_judged", service, s -> s.evaluated());
        // Checkpoint events skipped as unreadable (each also logged and dead-lettered on tralign.dlq).
        registry.gauge("tralign_evaluator_checkpoints_skipped", service, s -> s.skipped());
        // Healthy while the checkpoint follower runs and the win-rate topology has not died.
        MetricsHttpServer metrics = metricsOptions.startIfAsked("evaluate run", registry,
                () -> service.failure() == null && (streams == null || streams.state().isRunningOrRebalancing()));
        System.out.println("evaluating checkpoints on " + topics.checkpoints().name() + " with judge "
                + chosen.name() + " on " + promptList.size() + " prompts in tasks of " + promptsPerTask + " (group "
                + group + ")" + (streams != null ? "; win rates on " + topics.winRates().name() : ""));
        Policy scorerToClose = scorer;
        Waiting.untilInterrupted("evaluate run", () -> {
            if (metrics != null) {
                metrics.close();
            }
            service.close();
            if (streams != null) {
                streams.close();
            }
            topics.close();
            baseline.close();
            if (scorerToClose != null) {
                scorerToClose.close();
            }
        });
        return 0;
    }

    /**
     * The win-rate, guard and champion topology of this process, alerts to the store, the metrics and stderr,
     * promotions to stderr.
     */
    private KafkaStreams startWinRates(Topics topics, GuardConfig guard, AlertStore alerts, String group,
            Path stateDir) {
        Properties properties = new Properties();
        properties.putAll(connection.kafkaSettings());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, group + "-win-rates");
        EvaluatorTopology.robust(properties);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        ChampionConfig champion = ChampionConfig.of(guard).withLevel(championLevel);
        if (familyPattern != null) {
            champion = champion.withFamilies(familyPattern);
        }
        KafkaStreams streams = new KafkaStreams(EvaluatorTopology.of(topics, guard, champion, alert -> {
            alerts.add(alert);
            System.err.println("evaluate: ALERT " + alert.getRunId() + " step " + alert.getStep() + " "
                    + alert.getKind() + ": " + alert.getMessage());
        }, promotion -> System.err.println("evaluate: CHAMPION of " + promotion.getFamily() + ": "
                + promotion.getRunId() + " step " + promotion.getStep() + " " + promotion.getEvidence())),
                properties);
        streams.start();
        return streams;
    }

    /** The guard's thresholds from --guard key=value items; the eval set's size unless given. */
    static GuardConfig guardConfig(List<String> items, int evalPrompts) {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put(GuardConfig.EVAL_PROMPTS, Integer.toString(evalPrompts));
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--guard " + item + " is not key=value, e.g. guard.kl_budget=20");
            }
            settings.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return GuardConfig.of(settings);
    }

    static List<String> readPrompts(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("--prompts " + file + " cannot be read");
        }
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--prompts " + file + " holds no prompt: write one per line");
        }
        return out;
    }

    static TextTokenizer tokenizer(String spec) {
        try {
            if (spec.startsWith(MODEL_FOLDER)) {
                return HfTokenizer.of(HfModelFolder.info(Path.of(spec.substring(MODEL_FOLDER.length()))));
            }
            return Tokenizers.fromSpec(spec, "</s>", "<pad>");
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("--tokenizer: " + e.getMessage(), e);
        }
    }

    /** Prompts through a model folder's chat template where it has one, else as plain text. */
    static CompletionCodec codec(String spec, TextTokenizer tokenizer) {
        if (spec.startsWith(MODEL_FOLDER) && tokenizer instanceof HfTokenizer hf) {
            return new CompletionCodec(tokenizer,
                    ChatExampleEncoder.of(Path.of(spec.substring(MODEL_FOLDER.length())), hf));
        }
        return new CompletionCodec(tokenizer);
    }
}
