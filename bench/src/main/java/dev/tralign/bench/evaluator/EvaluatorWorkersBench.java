package dev.tralign.bench.evaluator;

import dev.tralign.bench.BenchFlags;
import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.evaluator.service.CheckpointEvaluation;
import dev.tralign.evaluator.service.CheckpointEvaluatorService;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.Judgment;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A checkpoint's wall time with 1, 2, 3... evaluator workers in one group (issue #18): from the CheckpointEvent to
 * the last of its evaluation records readable (read_committed), each worker an evaluator service of its own (own SFT
 * policy, own planner and worker threads, one consumer-group member) in this JVM, side by side on one embedded broker.
 * Each checkpoint is a new file, so every worker that gets one of its shards loads and verifies it, as in production.
 * The first checkpoint of each worker count is a warm-up (JIT, first loads, group settling), reported but not timed.
 *
 * <p>Flags: {@link #FLAGS} ({@code tralign bench evaluator-workers --help}).
 */
public final class EvaluatorWorkersBench {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwx";
    private static final Duration DEADLINE = Duration.ofMinutes(10);

    private EvaluatorWorkersBench() {
    }

    /** The flags of {@code tralign bench evaluator-workers}. */
    public static final BenchFlags FLAGS = BenchFlags.of("evaluator-workers")
            .integers("workers", "1,2,3", 1, "Worker counts, one measurement each")
            .integer("prompts", 96, 1, "Eval prompts per checkpoint")
            .integer("prompts-per-task", 8, 1, "Prompts per evaluation task (shard)")
            .integer("checkpoints", 3, 1, "Timed checkpoints per worker count (after one warm-up)")
            .integer("max-new-tokens", 32, 1, "Tokens sampled per completion")
            .integer("dim", 128, 1, "Model width")
            .integer("layers", 4, 1, "Model layers")
            .integer("heads", 4, 1, "Attention heads")
            .build();

    public static void main(String[] args) throws Exception {
        System.out.println(BenchFlags.helpAsked(args) ? FLAGS.help() : run(args));
    }

    public static String run(String[] args) throws Exception {
        BenchFlags.Values flags = FLAGS.parse(args);
        int[] workerCounts = flags.integers("workers");
        int prompts = flags.integer("prompts");
        int perTask = flags.integer("prompts-per-task");
        int checkpoints = flags.integer("checkpoints");
        int maxNewTokens = flags.integer("max-new-tokens");
        int dim = flags.integer("dim");
        int layers = flags.integer("layers");
        int heads = flags.integer("heads");
        Path work = Files.createTempDirectory("tralign-bench-evaluator-workers");
        try {
            return run(work, workerCounts, prompts, perTask, checkpoints, maxNewTokens, dim, layers, heads);
        } finally {
            // The broker's logs and one checkpoint file per timed checkpoint: nothing worth keeping.
            try (java.util.stream.Stream<Path> paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static String run(Path work, int[] workerCounts, int prompts, int perTask, int checkpoints,
            int maxNewTokens, int dim, int layers, int heads) throws Exception {
        AlphabetTokenizer tokenizer = new AlphabetTokenizer(ALPHABET);
        ModelConfig shape = new ModelConfig(tokenizer.vocabSize(), dim, layers, heads, 8 + maxNewTokens + 1);
        Path sft = work.resolve("sft.ckpt");
        save(shape, 1, sft);
        List<Path> files = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        for (int k = 0; k <= checkpoints; k++) {
            Path file = work.resolve("step-" + k + ".ckpt");
            digests.add(save(shape, 100 + k, file).sha256());
            files.add(file);
        }
        List<String> promptList = prompts(prompts);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "evaluator workers: %d prompts in tasks of "
                + "%d, %d new tokens, model %dx%d (%d heads), %d checkpoints timed per worker count, in one JVM on "
                + "%d cores (OMP_NUM_THREADS=%s)%n", prompts, perTask, maxNewTokens, dim, layers, heads, checkpoints,
                Runtime.getRuntime().availableProcessors(), System.getenv().getOrDefault("OMP_NUM_THREADS", "unset")));
        try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults().withDataDir(work.resolve("stack"))
                .withKafkaPort(0).withRegistryPort(0))) {
            double first = Double.NaN;
            for (int workers : workerCounts) {
                double median = median(timeCheckpoints(stack, workers, sft, files, digests, promptList, tokenizer,
                        perTask, maxNewTokens, out));
                if (Double.isNaN(first)) {
                    first = median;
                }
                out.append(String.format(Locale.ROOT, "  %d worker%s: median %.0f ms a checkpoint = %.2fx the "
                        + "%d-worker time%n", workers, workers == 1 ? "" : "s", median, median / first,
                        workerCounts[0]));
            }
        }
        return out.toString();
    }

    private static double[] timeCheckpoints(EmbeddedStack stack, int workers, Path sftFile, List<Path> files,
            List<String> digests, List<String> prompts, AlphabetTokenizer tokenizer, int perTask, int maxNewTokens,
            StringBuilder out) throws Exception {
        String group = "bench-w" + workers;
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        double[] millis = new double[files.size() - 1];
        double warmUp = Double.NaN;
        double coresUsed = Double.NaN;
        List<Policy> sfts = new ArrayList<>();
        List<CheckpointEvaluatorService> services = new ArrayList<>();
        List<AtomicInteger> tasksDone = new ArrayList<>();
        try (Topics topics = Topics.create(group + ".", Map.of("schema.registry.url", stack.registryUrl()))) {
            stack.createTopics(topics);
            for (int w = 0; w < workers; w++) {
                Policy sft = Policy.load(sftFile);
                sfts.add(sft);
                AtomicInteger done = new AtomicInteger();
                tasksDone.add(done);
                services.add(new CheckpointEvaluatorService(kafka, topics, new CheckpointEvaluation(
                        new CompletionCodec(tokenizer), sft, prompts, new GoldRewardJudge((prompt, completion) ->
                        completion.chars().filter(c -> c == 'a').count()), maxNewTokens, 1), group, line -> { })
                        .withSharding(perTask, CheckpointEvaluatorService.DEFAULT_TASK_PARTITIONS)
                        .withProgress(line -> {
                            if (line.startsWith("judged")) {
                                done.incrementAndGet();
                            }
                        }).start());
            }
            awaitMembers(kafka, group + "-workers", workers);
            try (KafkaProducer<String, CheckpointEvent> producer = new KafkaProducer<>(kafka,
                    topics.checkpoints().keySerde().serializer(), topics.checkpoints().valueSerde().serializer());
                    KafkaConsumer<String, Judgment> judgments = new KafkaConsumer<>(Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                            topics.judgments().keySerde().deserializer(),
                            topics.judgments().valueSerde().deserializer())) {
                TopicPartition partition = new TopicPartition(topics.judgments().name(), 0);
                judgments.assign(List.of(partition));
                judgments.seekToBeginning(List.of(partition));
                long cpuAtStart = 0;
                long timedStart = 0;
                for (int k = 0; k < files.size(); k++) {
                    if (k == 1) {
                        cpuAtStart = processCpuNanos();
                        timedStart = System.nanoTime();
                    }
                    long step = k + 1;
                    long sent = System.nanoTime();
                    producer.send(new ProducerRecord<>(topics.checkpoints().name(), "bench", CheckpointEvent
                            .newBuilder().setRunId("bench").setStep(step).setUri(files.get(k).toUri().toString())
                            .setSha256(digests.get(k)).setConfigDigest("bench").setCreatedAt(Instant.now()).build()))
                            .get();
                    int seen = 0;
                    long deadline = sent + DEADLINE.toNanos();
                    while (seen < prompts.size()) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("benchmark timed out: " + seen + " of " + prompts.size()
                                    + " evaluation records of step " + step + " with " + workers + " workers");
                        }
                        requireRunning(services);
                        for (var record : judgments.poll(Duration.ofMillis(20))) {
                            if (record.value() != null && record.value().getStep() == step) {
                                seen++;
                            }
                        }
                    }
                    double elapsed = (System.nanoTime() - sent) / 1e6;
                    if (k == files.size() - 1 && k > 0) {
                        coresUsed = (processCpuNanos() - cpuAtStart) / (double) (System.nanoTime() - timedStart);
                    }
                    if (k == 0) {
                        warmUp = elapsed;
                    } else {
                        millis[k - 1] = elapsed;
                    }
                }
            }
            requireRunning(services);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %d worker%s: warm-up %.0f ms, "
                    + "checkpoints", workers, workers == 1 ? "" : "s", warmUp));
            for (double m : millis) {
                line.append(String.format(Locale.ROOT, " %.0f", m));
            }
            line.append(String.format(Locale.ROOT, " ms (this JVM used %.2f cores meanwhile); tasks per worker",
                    coresUsed));
            tasksDone.forEach(t -> line.append(' ').append(t.get()));
            out.append(line).append(System.lineSeparator());
        } finally {
            services.forEach(CheckpointEvaluatorService::close);
            sfts.forEach(Policy::close);
        }
        return millis;
    }

    private static void requireRunning(List<CheckpointEvaluatorService> services) {
        for (CheckpointEvaluatorService service : services) {
            if (service.failure() != null) {
                throw new IllegalStateException("an evaluator failed", service.failure());
            }
        }
    }

    /** Waits until the workers' group has {@code members} members, each with partitions. */
    private static void awaitMembers(Map<String, Object> kafka, String group, int members) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (Admin admin = Admin.create(kafka)) {
            while (System.nanoTime() < deadline) {
                try {
                    ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                            .describedGroups().get(group).get(10, TimeUnit.SECONDS);
                    if (description.members().size() == members && description.members().stream()
                            .allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // the group does not exist until its first member joins
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(group + " did not reach " + members + " members with partitions");
    }

    /** CPU time of this JVM so far: how much of the machine the workers actually got (it may be shared). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static SavedCheckpoint save(ModelConfig shape, long seed, Path file) {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(shape,
                TrainingConfig.builder().lossType("sft").learningRate(1e-3).maxSteps(1).seed(seed).build())) {
            return trainer.saveCheckpoint(file);
        }
    }

    private static List<String> prompts(int count) {
        SplittableRandom random = new SplittableRandom(5);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder p = new StringBuilder();
            for (int j = 0; j < 6; j++) {
                p.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            out.add(p.toString());
        }
        return out;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
