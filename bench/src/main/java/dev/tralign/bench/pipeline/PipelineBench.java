package dev.tralign.bench.pipeline;

import dev.tralign.bench.BenchFlags;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.StackOptions;
import dev.tralign.trainer.StepResult;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainerservice.InMemoryRun;
import dev.tralign.trainerservice.RunSummary;
import dev.tralign.trainerservice.TrainerService;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.trainerservice.config.RunConfigBuilder;
import dev.tralign.trainerservice.source.InputRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Is Kafka a bottleneck for training? Runs the same training loop at shape M (V64 E128 L2 H4 T64, batch 16) fed
 * once from a topic on an embedded broker (read_committed consumer, transactional checkpoint) and once from an
 * in-memory list of the same record bytes, and compares step rates after a warm-up. Target: ratio >= 0.95.
 *
 * <p>Flags: {@link #FLAGS} ({@code tralign bench pipeline --help}).
 */
public final class PipelineBench {

    /** 61 letters + PAD, BOS, EOS = a vocabulary of 64. */
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345678";

    private PipelineBench() {
    }

    /** The flags of {@code tralign bench pipeline}. */
    public static final BenchFlags FLAGS = BenchFlags.of("pipeline")
            .integer("steps", 30, 1, "Measured steps")
            .integer("warmup", 5, 1, "Steps before the clock starts")
            .build();

    public static void main(String[] args) {
        System.out.println(BenchFlags.helpAsked(args) ? FLAGS.help() : run(args));
    }

    /** Runs the bench and returns its report. */
    public static String run(String[] args) {
        BenchFlags.Values flags = FLAGS.parse(args);
        int steps = flags.integer("steps");
        int warmup = flags.integer("warmup");
        int total = steps + warmup;
        Path dir;
        try {
            dir = Files.createTempDirectory("tralign-pipeline-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory for the bench", e);
        }
        try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.forTests(dir.resolve("stack")))) {
            String prefix = "bench" + System.currentTimeMillis() + ".";
            List<InputRecord> records;
            try (Topics topics = Topics.create(prefix, Map.of("schema.registry.url", stack.registryUrl()))) {
                stack.createTopics(topics, 1);
                records = write(stack, topics, pairs(total * 16));
            }
            Function<String, RunConfig> settings = runId -> settings(stack, prefix, dir, total).runId(runId).build();
            // A-B-B-A order, so load drift from other processes hits both paths alike.
            List<Run> memory = new ArrayList<>();
            List<Run> kafka = new ArrayList<>();
            memory.add(inMemory(settings, records, warmup, "bench-memory-1"));
            kafka.add(fromKafka(settings, warmup, "bench-kafka-1"));
            kafka.add(fromKafka(settings, warmup, "bench-kafka-2"));
            memory.add(inMemory(settings, records, warmup, "bench-memory-2"));
            double memoryRate = memory.stream().mapToDouble(Run::stepsPerSecond).average().orElseThrow();
            double kafkaRate = kafka.stream().mapToDouble(Run::stepsPerSecond).average().orElseThrow();
            boolean identical = memory.stream().map(Run::sha256).distinct().count() == 1
                    && kafka.stream().allMatch(r -> r.sha256().equals(memory.get(0).sha256()));
            return String.format("pipeline bench, shape M (V64 E128 L2 H4 T64 B16), %d steps measured after %d "
                    + "warm-up steps, runs in order memory, kafka, kafka, memory%n"
                    + "  in-memory list : %.3f steps/s (%.1f ms/step; runs %s)%n"
                    + "  kafka topic    : %.3f steps/s (%.1f ms/step; runs %s)%n"
                    + "  ratio kafka/in-memory: %.3f (target >= 0.95)%n"
                    + "  all four final checkpoints identical: %s%n",
                    steps, warmup, memoryRate, 1000 / memoryRate, rates(memory), kafkaRate, 1000 / kafkaRate,
                    rates(kafka), kafkaRate / memoryRate, identical ? "yes" : "no");
        }
    }

    private record Run(double stepsPerSecond, String sha256) {
    }

    private static Run inMemory(Function<String, RunConfig> settings, List<InputRecord> records, int warmup,
            String runId) {
        Rate rate = new Rate(warmup);
        RunSummary summary = InMemoryRun.run(settings.apply(runId), records, rate);
        return new Run(rate.stepsPerSecond(), summary.lastSha256());
    }

    private static Run fromKafka(Function<String, RunConfig> settings, int warmup, String runId) {
        Rate rate = new Rate(warmup);
        try (TrainerService service = new TrainerService(settings.apply(runId))) {
            service.addProgressListener(rate);
            String sha256 = service.run().lastSha256();
            return new Run(rate.stepsPerSecond(), sha256);
        }
    }

    private static String rates(List<Run> runs) {
        return String.join(", ", runs.stream().map(r -> String.format("%.3f", r.stepsPerSecond())).toList());
    }

    private static RunConfigBuilder settings(EmbeddedStack stack, String prefix, Path dir, int total) {
        return RunConfig.builder()
                .cluster(stack.bootstrapServers(), stack.registryUrl())
                .topicPrefix(prefix)
                .checkpoints(dir.resolve("checkpoints"), 1_000_000)
                .freshModel(new ModelConfig(64, 128, 2, 4, 64))
                .alphabetTokenizer(ALPHABET)
                .batchSize(16)
                .learningRate(0.0005)
                .maxSteps(total)
                .metricsEverySteps(1)
                .logEverySteps(10);
    }

    private static List<PreferencePair> pairs(int count) {
        Random random = new Random(5);
        List<PreferencePair> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(PreferencePair.newBuilder().setId("bench-" + i).setPrompt(word(random, 16))
                    .setChosen(word(random, 24)).setRejected(word(random, 24)).setSource("bench")
                    .setCreatedAt(Instant.ofEpochMilli(0)).build());
        }
        return out;
    }

    private static String word(Random random, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Writes the pairs and returns them as the input records the broker stored (same bytes, same offsets). */
    private static List<InputRecord> write(EmbeddedStack stack, Topics topics, List<PreferencePair> pairs) {
        Topic<String, PreferencePair> topic = topics.preferences();
        Properties p = new Properties();
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("acks", "all");
        List<InputRecord> out = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<byte[][]> bytes = new ArrayList<>();
            for (PreferencePair pair : pairs) {
                byte[] key = topic.keySerde().serializer().serialize(topic.name(), pair.getId());
                byte[] value = topic.valueSerde().serializer().serialize(topic.name(), pair);
                bytes.add(new byte[][] {key, value});
                sent.add(producer.send(new ProducerRecord<>(topic.name(), 0, key, value)));
            }
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                out.add(new InputRecord(m.topic(), m.partition(), m.offset(), bytes.get(i)[0], bytes.get(i)[1]));
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("writing the bench records failed: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Optimizer steps per second between the end of the warm-up step and the end of the last step. */
    private static final class Rate implements java.util.function.Consumer<StepResult> {
        private final int warmup;
        private long startNanos;
        private long endNanos;
        private long startStep;
        private long endStep;

        Rate(int warmup) {
            this.warmup = warmup;
        }

        @Override
        public void accept(StepResult r) {
            if (r.step() == warmup) {
                startNanos = System.nanoTime();
                startStep = r.step();
            }
            endNanos = System.nanoTime();
            endStep = r.step();
        }

        double stepsPerSecond() {
            return (endStep - startStep) / ((endNanos - startNanos) / 1e9);
        }
    }
}
