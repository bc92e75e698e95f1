package dev.tralign.bench.evaluator;

import dev.tralign.bench.BenchFlags;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.evaluator.service.CheckpointEvaluation;
import dev.tralign.evaluator.service.CheckpointEvaluatorService;
import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.stream.Keys;
import dev.tralign.evaluator.stream.WinRateTopology;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.StackOptions;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Evaluator speed on the embedded broker: (1) aggregation throughput, judgments per second through the win-rate
 * topology (exactly-once) from a pre-filled topic until every (run, step) aggregate is complete; (2) end-to-end latency
 * from a CheckpointEvent to its complete WinRate record, split into generation (sampling + log-probs under policy and
 * SFT), judging, and aggregation (publish to WinRate), with the demo's model shape and a gold judge.
 *
 * <p>Flags: {@link #FLAGS} ({@code tralign bench evaluator --help}).
 */
public final class EvaluatorBench {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwx";

    private EvaluatorBench() {
    }

    /** The flags of {@code tralign bench evaluator}. */
    public static final BenchFlags FLAGS = BenchFlags.of("evaluator")
            .integer("judgments", 50_000, 1, "Judgments through the win-rate topology")
            .integer("cells", 100, 1, "(run, step) aggregates they fill")
            .integer("prompts", 256, 1, "Eval prompts per checkpoint in the latency part")
            .integer("checkpoints", 3, 1, "Latency repetitions")
            .choice("lc", "complete", "When the length-controlled win rate is fitted: once a (run, step) holds its "
                    + "prompts, as the evaluator does, or on every update (as before 2026-12-07)", "complete",
                    "every-update")
            .integer("cache-bytes", 10 * 1024 * 1024, 0, "The win-rate app's statestore.cache.max.bytes: the "
                    + "default (Streams' own) collapses updates between commits; 0 emits every update, as the demo")
            .build();

    public static void main(String[] args) throws Exception {
        System.out.println(BenchFlags.helpAsked(args) ? FLAGS.help() : run(args));
    }

    public static String run(String[] args) throws Exception {
        BenchFlags.Values flags = FLAGS.parse(args);
        int judgments = flags.integer("judgments");
        int cells = flags.integer("cells");
        int prompts = flags.integer("prompts");
        int checkpoints = flags.integer("checkpoints");
        boolean everyUpdate = flags.string("lc").equals("every-update");
        int cacheBytes = flags.integer("cache-bytes");
        Path work = Files.createTempDirectory("tralign-bench-evaluator");
        try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults().withDataDir(work.resolve("stack"))
                .withKafkaPort(0).withRegistryPort(0));
                Topics topics = stack.topics()) {
            stack.createTopics(topics);
            String bootstrap = stack.bootstrapServers();
            int perCell = judgments / cells;
            fillJudgments(bootstrap, topics, cells, perCell);
            long started = System.nanoTime();
            StringBuilder out = new StringBuilder();
            try (KafkaConsumer<String, WinRate> winRates = winRateConsumer(bootstrap, topics)) {
                KafkaStreams aggregation = topology(bootstrap, topics, work, everyUpdate ? 0 : perCell, cacheBytes);
                try {
                    awaitWinRates(winRates, w -> w.getRunId().startsWith("agg-") && w.getNTotal() == perCell
                            && (perCell < 5 || w.getLengthControlledWinRate() != null), cells);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    out.append(String.format(Locale.ROOT,
                            "aggregation: %d judgments into %d (run, step) win rates in %.2f s = %,.0f judgments/s "
                                    + "(exactly-once Streams, from a pre-filled topic; includes the app's start; "
                                    + "LC fitted %s)%n",
                            perCell * cells, cells, seconds, perCell * cells / seconds,
                            everyUpdate ? "on every update" : "once per (run, step)"));
                } finally {
                    // Leave the group so the restart below is assigned at once, not after the session timeout.
                    aggregation.close(CloseOptions.groupMembershipOperation(
                            CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
                }
                // The same application again (its committed offsets and stores), told the latency checkpoints' size.
                try (KafkaStreams streams = topology(bootstrap, topics, work, everyUpdate ? 0 : prompts, cacheBytes)) {
                    awaitRunning(streams);
                    out.append(latency(bootstrap, topics, work, prompts, checkpoints, winRates));
                }
                return out.toString();
            }
        }
    }

    private static String latency(String bootstrap, Topics topics, Path work, int prompts, int checkpoints,
            KafkaConsumer<String, WinRate> winRates) throws Exception {
        AlphabetTokenizer tokenizer = new AlphabetTokenizer(ALPHABET);
        Path file = work.resolve("policy.ckpt");
        SavedCheckpoint saved;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(new ModelConfig(tokenizer.vocabSize(), 64, 2, 4, 25),
                TrainingConfig.builder().lossType("sft").learningRate(1e-3).maxSteps(1).seed(1).build())) {
            saved = trainer.saveCheckpoint(file);
        }
        SplittableRandom random = new SplittableRandom(5);
        List<String> promptList = new ArrayList<>();
        for (int i = 0; i < prompts; i++) {
            StringBuilder p = new StringBuilder();
            for (int j = 0; j < 4; j++) {
                p.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            promptList.add(p.toString());
        }
        StringBuilder out = new StringBuilder();
        try (Policy sft = Policy.load(file)) {
            CheckpointEvaluation evaluation = new CheckpointEvaluation(new CompletionCodec(tokenizer), sft, promptList,
                    new GoldRewardJudge((prompt, completion) -> completion.chars().filter(c -> c == 'a').count()),
                    21, 1);
            try (CheckpointEvaluatorService service = new CheckpointEvaluatorService(Map.of("bootstrap.servers",
                    bootstrap), topics, evaluation, "bench-evaluator", line -> { }).start();
                    KafkaProducer<String, CheckpointEvent> producer = new KafkaProducer<>(
                            Map.of("bootstrap.servers", bootstrap), topics.checkpoints().keySerde().serializer(),
                            topics.checkpoints().valueSerde().serializer())) {
                for (int k = 1; k <= checkpoints; k++) {
                    long step = k;
                    long sent = System.nanoTime();
                    producer.send(new ProducerRecord<>(topics.checkpoints().name(), "latency", CheckpointEvent
                            .newBuilder().setRunId("latency").setStep(step).setUri(file.toUri().toString())
                            .setSha256(saved.sha256()).setConfigDigest("bench").setCreatedAt(Instant.now()).build()))
                            .get();
                    awaitWinRates(winRates, w -> w.getRunId().equals("latency") && w.getStep() == step
                            && w.getNTotal() == prompts, 1);
                    long done = System.nanoTime();
                    CheckpointEvaluatorService.Judged judged = service.judged("latency", step).orElseThrow();
                    out.append(String.format(Locale.ROOT, "latency: checkpoint %d, %d prompts: %.0f ms from "
                                    + "CheckpointEvent to WinRate = generation %.0f ms + judging %.0f ms + aggregation "
                                    + "%.0f ms (+ %.0f ms load and publish)%n", step, prompts, (done - sent) / 1e6,
                            judged.generationMillis(), judged.judgingMillis(),
                            (done - judged.publishedNanoTime()) / 1e6,
                            (judged.publishedNanoTime() - sent) / 1e6 - judged.generationMillis()
                                    - judged.judgingMillis()));
                }
            }
        }
        return out.toString();
    }

    private static void fillJudgments(String bootstrap, Topics topics, int cells, int perCell) throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        double[] preferences = {1.0, 1.5, 2.0};
        try (KafkaProducer<String, Judgment> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", 20, "batch.size", 262_144), topics.judgments().keySerde().serializer(),
                topics.judgments().valueSerde().serializer())) {
            Instant now = Instant.now();
            for (int cell = 0; cell < cells; cell++) {
                for (int p = 0; p < perCell; p++) {
                    Judgment j = Judgment.newBuilder().setRunId("agg-" + (cell % 10)).setStep(cell / 10)
                            .setPromptId("p" + p).setJudge("bench").setCandidate("c").setBaseline("b")
                            .setPreference(preferences[random.nextInt(3)]).setAt(now).build();
                    producer.send(new ProducerRecord<>(topics.judgments().name(),
                            Keys.of(j.getRunId(), j.getStep(), j.getPromptId()), j));
                }
            }
            producer.flush();
        }
    }

    /** The win-rate app; LC fitted once a (run, step) holds evalPrompts prompts, or on every update when 0. */
    private static KafkaStreams topology(String bootstrap, Topics topics, Path work, int evalPrompts,
            int cacheBytes) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-win-rates");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("streams").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, (long) cacheBytes);
        KafkaStreams streams = new KafkaStreams(evalPrompts == 0 ? WinRateTopology.topology(topics)
                : WinRateTopology.topology(topics, evalPrompts), props);
        streams.start();
        return streams;
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
                throw new IllegalStateException("the win-rate app did not start: " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    private static KafkaConsumer<String, WinRate> winRateConsumer(String bootstrap, Topics topics) {
        KafkaConsumer<String, WinRate> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topics.winRates().keySerde().deserializer(), topics.winRates().valueSerde().deserializer());
        TopicPartition partition = new TopicPartition(topics.winRates().name(), 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    /** Polls until {@code count} distinct (run, step) records matching {@code complete} have been seen. */
    private static void awaitWinRates(KafkaConsumer<String, WinRate> consumer, Predicate<WinRate> complete, int count) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (seen.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("benchmark timed out: " + seen.size() + " of " + count
                        + " win-rate aggregates complete after 5 minutes");
            }
            consumer.poll(Duration.ofMillis(50)).forEach(r -> {
                if (r.value() != null && complete.test(r.value())) {
                    seen.add(r.value().getRunId() + "/" + r.value().getStep());
                }
            });
        }
    }
}
