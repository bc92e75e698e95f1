package dev.tralign.app.demo;

import dev.tralign.app.world.SimulatedAnnotators;
import dev.tralign.app.world.SyntheticWorld;
import dev.tralign.app.world.WorldConfig;
import dev.tralign.evaluator.dashboard.DashboardServer;
import dev.tralign.evaluator.dashboard.TopicFeed;
import dev.tralign.evaluator.dashboard.WinRateSnapshot;
import dev.tralign.evaluator.dashboard.TrainingStore;
import dev.tralign.evaluator.dashboard.WinRateStore;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.evaluator.judge.Judge;
import dev.tralign.evaluator.online.OnPolicySampler;
import dev.tralign.evaluator.report.CheckpointGames;
import dev.tralign.evaluator.ranking.BradleyTerryRanking;
import dev.tralign.evaluator.report.GuardSection;
import dev.tralign.evaluator.report.ReportWriter;
import dev.tralign.evaluator.report.RunSeries;
import dev.tralign.evaluator.service.CheckpointEvaluation;
import dev.tralign.evaluator.service.CheckpointEvaluatorService;
import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.dashboard.AlertStore;
import dev.tralign.evaluator.guard.ChampionConfig;
import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.evaluator.stream.EvaluatorTopology;
import dev.tralign.ingest.http.HttpIngestConfig;
import dev.tralign.ingest.http.IngestHttpServer;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.StackOptions;
import dev.tralign.trainer.Policy;
import dev.tralign.trainerservice.RunSummary;
import dev.tralign.trainerservice.TrainerService;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.config.RunConfigBuilder;
import dev.tralign.trainerservice.source.OffsetRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The whole pipeline on the embedded default, in one process: embedded Kafka + registry, the synthetic world's
 * annotators sending feedback through ingest's HTTP endpoint, an SFT policy, one training run per method on the same
 * preference topic, the evaluator judging every checkpoint against the SFT baseline, the win-rate topology, a live
 * dashboard, and a final table and report.
 */
public final class DemoRunner {

    private final DemoSettings settings;
    private final Consumer<String> out;
    private UnaryOperator<Judge> onlineJudge = UnaryOperator.identity();
    /**
     * "run@step" of every checkpoint the evaluator's champion race has decided (tralign.champion-verdicts, seen as the
     * evaluator's Streams application produces them): rounds sampling from the champion wait for theirs.
     */
    private final java.util.Set<String> championDecided = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public DemoRunner(DemoSettings settings, Consumer<String> out) {
        this.settings = settings;
        this.out = out;
    }

    /** Wraps the online run's judge (tests simulate a judge outage with it). */
    DemoRunner withOnlineJudge(UnaryOperator<Judge> wrap) {
        this.onlineJudge = wrap;
        return this;
    }

    /** Runs the demo; returns the per-method summaries. */
    public DemoResult run() throws Exception {
        long started = System.nanoTime();
        SyntheticWorld world = new SyntheticWorld(WorldConfig.defaults(settings.seed()));
        WorldTokens tokens = new WorldTokens(world);
        List<Method> methods = new ArrayList<>();
        for (String name : settings.methods()) {
            methods.add(Method.parse(name, settings.softTau(), settings.hardTau()));
        }
        Path work = settings.workDir();
        Path runDir = work.resolve("run-" + System.currentTimeMillis());
        Files.createDirectories(runDir);
        // Every run scores its policy on the same held-out SFT set: the guard's reference task (eval/sft_nll).
        ReferenceTask.write(world, runDir);

        stage(1, "starting Kafka (KRaft) and the schema registry");
        EmbeddedStack stack = settings.bootstrap() == null ? EmbeddedStack.start(StackOptions.defaults()
                .withDataDir(runDir.resolve("stack")).withKafkaPort(0).withRegistryPort(0)) : null;
        String bootstrap = stack != null ? stack.bootstrapServers() : settings.bootstrap();
        String registry = stack != null ? stack.registryUrl() : settings.registryUrl();
        out.accept("  bootstrap " + bootstrap + ", registry " + registry);
        String runPrefix = "demo-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrap, "schema.registry.url", registry);
        WinRateStore store = new WinRateStore();
        TrainingStore training = new TrainingStore();
        AlertStore alerts = new AlertStore();
        CheckpointGames liveGames = new CheckpointGames();
        List<ModelPromotion> promotions = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Topics topics = Topics.create(registry);
                AutoCloseable stackCloser = stack != null ? stack : () -> { }) {
            if (stack != null) {
                stack.createTopics(topics);
            }
            try (KafkaStreams winRates = startEvaluatorStreams(topics, bootstrap, runDir, alerts,
                    promotions);
                    TopicFeed<WinRate> feed = TopicFeed.start(new HashMap<>(kafka), topics.winRates(), store::put);
                    TopicFeed<TrainMetrics> trainingFeed = TopicFeed.start(new HashMap<>(kafka), topics.trainMetrics(),
                            training::put);
                    TopicFeed<Judgment> judgmentFeed = TopicFeed.start(new HashMap<>(kafka), topics.judgments(),
                            liveGames::add);
                    DashboardServer dashboard = DashboardServer.start("127.0.0.1", settings.dashboardPort(), store,
                            training, liveGames, () -> true)) {
                alerts.bindTo(dashboard.meters());
                dashboard.showingGuard(alerts);
                out.accept("  live dashboard: http://127.0.0.1:" + dashboard.port() + "/");

                stage(2, "simulated annotators send " + settings.pairs() + " preference pairs through ingest (HTTP)");
                int accepted;
                List<SimulatedAnnotators.LabelledPair> offlinePairs = world.preferencePairs(settings.pairs());
                try (IngestHttpServer ingest = IngestHttpServer.start(HttpIngestConfig.local(0, null), bootstrap,
                        topics)) {
                    accepted = new FeedbackSender(ingest.url()).send(offlinePairs, "simulated-bt");
                }
                long onTopic = awaitRecords(bootstrap, topics.preferences().name(), accepted, Duration.ofSeconds(60));
                out.accept("  " + onTopic + " pairs on " + topics.preferences().name());

                stage(3, "SFT policy (trained once per world, then cached)");
                Path sft = new SftRecipe(world, tokens, SftRecipe.Settings.defaults().withSeed(settings.seed())
                        .withSteps(settings.sftSteps()))
                        .checkpoint(work.resolve("cache"), line -> out.accept("  " + line));

                stage(4, "training " + methods.size() + " runs" + (settings.online() != null ? " and an online run"
                        : "") + "; each checkpoint is judged against SFT as it lands");
                Map<String, Method> runs = new LinkedHashMap<>();
                Map<String, Long> referenceUpdates = new LinkedHashMap<>();
                List<OnlineRounds.RoundReport> onlineRounds = new ArrayList<>();
                try (Policy sftPolicy = Policy.load(sft)) {
                    CheckpointEvaluation evaluation = new CheckpointEvaluation(new CompletionCodec(tokens.tokenizer()),
                            sftPolicy, world.evalPrompts(settings.evalPrompts()),
                            new GoldRewardJudge(world.goldReward()::reward), tokens.maxNewTokens(), settings.seed());
                    try (CheckpointEvaluatorService evaluator = new CheckpointEvaluatorService(kafka, topics,
                            evaluation, runPrefix + "evaluator", line -> out.accept("  " + line))
                            .publishingAs(RoundRunIds::seriesStep).start()) {
                        int expectedCheckpoints = 0;
                        for (Method method : methods) {
                            String runId = runPrefix + method.name();
                            runs.put(runId, method);
                            RunSummary summary = runTrainer(trainerConfig(method, runId, sft, tokens, bootstrap,
                                    registry, runDir).build(), null, runId, 0, store);
                            if (!summary.checkpoints().isEmpty()) {
                                CheckpointEvent last = summary.checkpoints().get(summary.checkpoints().size() - 1);
                                referenceUpdates.put(runId, last.getReferenceVersion());
                                if (last.getStopReason() != null) {
                                    out.accept("  " + runId + " stopped by its guard at step " + last.getStep()
                                            + ": " + last.getStopReason());
                                }
                            }
                            expectedCheckpoints += (int) summary.checkpoints().stream()
                                    .mapToLong(event -> event.getStep()).distinct().count();
                        }
                        if (settings.online() != null) {
                            Method base = Method.parse(settings.online().method(), settings.softTau(),
                                    settings.hardTau());
                            boolean control = settings.online().control();
                            Method method = new Method(base.name() + (control ? DemoResult.ROUNDS_SUFFIX
                                    : DemoResult.ONLINE_SUFFIX), base.lossType(), base.trustRegion(), base.alpha(),
                                    base.tau());
                            String series = runPrefix + base.name() + (control ? "-rounds" : "-online");
                            runs.put(series, method);
                            List<OnlineRounds.RoundReport> rounds = trainOnline(base, series, sft, world, tokens,
                                    offlinePairs, topics, kafka, bootstrap, registry, runDir, store, promotions);
                            onlineRounds.addAll(rounds);
                            referenceUpdates.put(series, rounds.stream().mapToLong(r -> r.summary().checkpoints()
                                    .isEmpty() ? 0 : r.summary().checkpoints().get(r.summary().checkpoints().size()
                                    - 1).getReferenceVersion()).sum());
                            expectedCheckpoints += (int) rounds.stream().flatMap(r -> r.summary().checkpoints()
                                    .stream().map(e -> r.baseStep() + e.getStep())).distinct().count();
                        }
                        stage(5, "waiting for the evaluator to judge the last checkpoints");
                        awaitEvaluations(evaluator, expectedCheckpoints, store, runs.keySet());
                    }
                }
                stage(6, "results");
                List<RunSeries> series = new ArrayList<>();
                for (String runId : runs.keySet()) {
                    store.series(runId).ifPresent(points -> series.addAll(RunSeries.fromWinRates(points)));
                }
                // The judgments once more, to their end: every checkpoint's records were committed before its WinRate.
                CheckpointGames games = new CheckpointGames();
                WinRateSnapshot.readEach(new HashMap<>(kafka), topics.judgments(), Duration.ofSeconds(60), games::add);
                ReportWriter.Report report = ReportWriter.write(runDir.resolve("report"),
                        "tralign demo: win rate against the SFT policy (gold judge)", series,
                        games.ranking(runs.keySet(), BradleyTerryRanking.DEFAULT_ROUNDS,
                                BradleyTerryRanking.DEFAULT_SEED),
                        Optional.of(new GuardSection(alerts.all(), promotions)));
                DemoResult result = DemoResult.of(runs, referenceUpdates, store, report.html(), onlineRounds,
                        alerts.all(), promotions);
                out.accept(result.table());
                out.accept(result.guardLines());
                result.onlineComparison().ifPresent(c -> out.accept(c.text()));
                out.accept("report:  " + report.html().toAbsolutePath());
                out.accept("charts:  " + report.winRateByStepPng().toAbsolutePath() + ", "
                        + report.winRateByKlPng().toAbsolutePath());
                out.accept(String.format("demo finished in %.0f s", (System.nanoTime() - started) / 1e9));
                return result;
            }
        }
    }

    /**
     * The online run: {@code method} in rounds (see {@link OnlineRounds}); each round is a bounded run over the
     * offline pairs and the pairs judged on the previous round's final policy, mixed by input.mix.
     */
    private List<OnlineRounds.RoundReport> trainOnline(Method method, String series, Path sft, SyntheticWorld world,
            WorldTokens tokens, List<SimulatedAnnotators.LabelledPair> offlinePairs, Topics topics,
            Map<String, Object> kafka, String bootstrap, String registry, Path runDir, WinRateStore store,
            List<ModelPromotion> promotions) {
        DemoSettings.Online online = settings.online();
        List<String> trainingPrompts = offlinePairs.stream().map(SimulatedAnnotators.LabelledPair::prompt).distinct()
                .toList();
        if (online.control()) {
            out.accept("  control run " + series + ": the online run's rounds without on-policy sampling (each round "
                    + "one pass over the offline pairs from the last round's policy)");
        } else {
            out.accept(String.format("  online run %s: rounds of one pass over the offline pairs + pairs the gold "
                    + "judge made of its own samples on %.0f%% of %d training prompts (input.mix %.2f,%.2f)", series,
                    100 * online.promptFraction(), trainingPrompts.size(), online.mix(), 1 - online.mix()));
        }
        OnPolicySampler sampler = online.control() ? null : new OnPolicySampler(new CompletionCodec(
                tokens.tokenizer()), trainingPrompts, onlineJudge.apply(new GoldRewardJudge(world.goldReward()::reward)),
                tokens.maxNewTokens(), settings.seed() + 99, online.promptFraction());
        try (OnlineRounds rounds = new OnlineRounds(kafka, topics, sampler, series, runDir.resolve("online-streams"),
                out)) {
            if (online.fromChampion()) {
                // The series' champion as the evaluator has judged it when a round starts (its family is the
                // series id, under which the evaluator publishes the rounds' checkpoints).
                rounds.samplingFrom(new SamplingSource(() -> promotions.stream()
                        .filter(p -> p.getFamily().equals(series)).reduce((a, b) -> b)
                        .map(p -> java.util.OptionalLong.of(p.getStep())).orElse(java.util.OptionalLong.empty()),
                        step -> championDecided.contains(series + "@" + step)));
            }
            return rounds.run(sft, settings.steps(), (roundRunId, init, range, maxSteps, baseStep) -> {
                RunConfig config = trainerConfig(method, roundRunId, init, tokens, bootstrap, registry, runDir)
                        .inputTopics(List.of(topics.preferences().name(), topics.preferencesOnline().name()),
                                List.of(online.mix(), 1 - online.mix()))
                        .bounded(1)
                        .maxSteps(maxSteps)
                        .warmupSteps(Math.min(WARMUP_STEPS, maxSteps))
                        .build();
                return runTrainer(config, range, series, baseStep, store);
            });
        }
    }

    private static final int WARMUP_STEPS = 10;
    private static final int SFT_METRICS_EVERY_STEPS = 10;

    private RunConfigBuilder trainerConfig(Method method, String runId, Path init, WorldTokens tokens,
            String bootstrap, String registry, Path runDir) {
        RunConfigBuilder config = RunConfig.builder()
                .runId(runId)
                .cluster(bootstrap, registry)
                .lossType(method.lossType())
                .beta(settings.beta());
        if (method.trustRegion()) {
            // The frozen SFT model's implicit rewards beside the moving reference's, on the dashboard.
            config.trustRegion(method.alpha(), method.tau()).sftMetricsEverySteps(SFT_METRICS_EVERY_STEPS);
        }
        if (method.unpaired()) {
            config.ktoSplitPairs(true);
        }
        if (settings.guard().stopMethods().contains(method.name())) {
            config.stopOn("KL_BUDGET");
        }
        return config.learningRate(settings.learningRate())
                .warmupSteps(WARMUP_STEPS)
                .maxGradNorm(10)
                .batchSize(settings.batchSize())
                .bounded(1000)
                .maxSteps(settings.steps())
                .checkpoints(runDir.resolve("checkpoints"), settings.checkpointEvery())
                .logEverySteps(1_000_000)
                .initFromSft(init)
                .heldoutSft(runDir.resolve(ReferenceTask.FILE), ReferenceTask.EVERY_STEPS)
                .alphabetTokenizer(tokens.tokenizer().alphabet())
                .seed(settings.seed());
    }

    /** Runs one trainer; progress lines name {@code label} and count steps from {@code stepOffset}. */
    private RunSummary runTrainer(RunConfig config, OffsetRange range, String label, long stepOffset,
            WinRateStore store) {
        try (TrainerService trainer = new TrainerService(config, range)) {
            long[] last = {0};
            trainer.addProgressListener(step -> {
                long shown = stepOffset + step.step();
                if (step.step() != last[0] && shown % 50 == 0) {
                    last[0] = step.step();
                    out.accept(String.format("  %-28s step %4d/%d  loss %.3f  margin %+.2f  %s", label, shown,
                            settings.steps(), step.loss(), step.metrics().getOrDefault("rewards/margins", Double.NaN),
                            latest(store, label)));
                }
            });
            return trainer.run();
        }
    }

    private static String latest(WinRateStore store, String runId) {
        return store.series(runId).filter(s -> !s.isEmpty()).map(s -> {
            WinRate w = s.get(s.size() - 1);
            // Win rates stream in while a checkpoint's judgments arrive; its KL may come a moment later.
            Double kl = w.getKlToSft();
            return String.format("| judged step %d: win %.1f%%, KL %s", w.getStep(), w.getWinRate(),
                    kl == null || !Double.isFinite(kl) ? "pending" : String.format("%.1f", kl));
        }).orElse("");
    }

    private void awaitEvaluations(CheckpointEvaluatorService evaluator, int expected, WinRateStore store,
            java.util.Collection<String> runIds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (evaluator.failure() != null) {
                throw new IllegalStateException("the evaluator failed: " + evaluator.failure().getMessage(),
                        evaluator.failure());
            }
            long points = runIds.stream().mapToLong(id -> store.series(id).map(s -> s.stream()
                    .filter(w -> w.getNTotal() == settings.evalPrompts()).count()).orElse(0L)).sum();
            if (evaluator.evaluated() >= expected && points >= expected) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("timed out waiting for the evaluator: " + evaluator.evaluated() + " of "
                + expected + " checkpoints judged");
    }

    private static long awaitRecords(String bootstrap, String topic, long expected, Duration timeout)
            throws InterruptedException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count < expected && System.nanoTime() < deadline) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            if (count < expected) {
                throw new IllegalStateException("only " + count + " of " + expected + " accepted pairs reached "
                        + topic + " within " + timeout.toSeconds() + " s");
            }
            return count;
        }
    }

    /**
     * The evaluator's Streams application: win rates, and the guard and champions reading them (alerts and
     * promotions also go to {@code alerts} and {@code promotions}).
     */
    private KafkaStreams startEvaluatorStreams(Topics topics, String bootstrap, Path runDir, AlertStore alerts,
            List<ModelPromotion> promotions) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tralign-demo-win-rates-" + runDir.getFileName());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, runDir.resolve("streams").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        EvaluatorTopology.robust(props);
        GuardConfig guard = GuardConfig.defaults(settings.evalPrompts()).withKlBudget(settings.guard().klBudget());
        KafkaStreams streams = new KafkaStreams(EvaluatorTopology.of(topics, guard, ChampionConfig.of(guard),
                alerts::add, promotion -> {
                    promotions.add(promotion);
                    alerts.promoted(promotion);
                }, verdict -> championDecided.add(verdict.getRunId() + "@" + verdict.getStep())), props);
        streams.start();
        return streams;
    }

    private void stage(int number, String what) {
        out.accept("[" + number + "/6] " + what);
    }
}
