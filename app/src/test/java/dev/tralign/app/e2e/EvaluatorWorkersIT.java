package dev.tralign.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.tralign.app.Main;
import dev.tralign.app.world.SyntheticWorld;
import dev.tralign.app.world.WorldConfig;
import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.evaluator.service.CheckpointEvaluation;
import dev.tralign.evaluator.service.CheckpointEvaluatorService;
import dev.tralign.evaluator.stream.WinRateTopology;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.tokenizer.TextTokenizer;
import dev.tralign.trainer.tokenizer.Tokenizers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #18's evaluator workers: three {@code tralign evaluate run} JVMs in one group share a checkpoint's
 * evaluation tasks; the first to start a task is killed with SIGKILL in the middle of it. Every (run, step, prompt)
 * must still be published exactly once, the killed task by a survivor, and the records and the win rate must equal
 * those of a single worker evaluating the same checkpoint.
 */
@ExtendWith(EmbeddedStackExtension.class)
class EvaluatorWorkersIT {

    private static final int PROMPTS = 12;
    private static final int PER_TASK = 2;
    private static final int TASKS = PROMPTS / PER_TASK;
    private static final int MAX_NEW_TOKENS = 40;
    private static final long SEED = 1;
    private static final String RUN = "workers-run";
    private static final long STEP = 5;
    private static final String GROUP = "trio";
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final List<Child> children = new ArrayList<>();

    @AfterEach
    void stopChildren() {
        children.forEach(c -> c.process.destroyForcibly());
    }

    @Test
    void aWorkerKilledMidTaskLosesNothingAndDoublesNothing(EmbeddedStack stack) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "workers");
        SyntheticWorld world = new SyntheticWorld(WorldConfig.defaults(1));
        String tokenizerSpec = "alphabet:" + world.alphabet();
        TextTokenizer tokenizer = Tokenizers.fromSpec(tokenizerSpec, "</s>", "<pad>");
        List<String> prompts = world.evalPrompts(PROMPTS);
        Path promptFile = Files.write(dir.resolve("prompts.txt"), prompts);
        Path sftFile = dir.resolve("sft.ckpt");
        Path policyFile = dir.resolve("policy.ckpt");
        checkpoint(tokenizer, 3, sftFile);
        SavedCheckpoint policy = checkpoint(tokenizer, 4, policyFile);
        CheckpointEvent event = CheckpointEvent.newBuilder().setRunId(RUN).setStep(STEP)
                .setUri(policyFile.toUri().toString()).setSha256(policy.sha256()).setConfigDigest("it")
                .setCreatedAt(Instant.now()).build();
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());

        try (Topics shared = stack.topics();
                Topics single = Topics.create("single.", Map.of("schema.registry.url", stack.registryUrl()))) {
            stack.createTopics(shared);
            stack.createTopics(single);

            // The reference: one worker, in this JVM, on topics of its own, the same split into tasks.
            try (Policy sft = Policy.load(sftFile);
                    CheckpointEvaluatorService one = new CheckpointEvaluatorService(kafka, single,
                            new CheckpointEvaluation(new CompletionCodec(tokenizer), sft, prompts,
                                    new GoldRewardJudge(world.goldReward()::reward), MAX_NEW_TOKENS, SEED),
                            "single", line -> { }).withSharding(PER_TASK, TASKS).start()) {
                send(kafka, single, event);
                await().atMost(DEADLINE).until(() -> one.evaluated() == 1 || one.failure() != null);
                assertThat(one.failure()).isNull();
            }
            Map<String, Judgment> expected = onePerPrompt(readCommitted(stack, single.judgments()));

            // Three workers in one group; the checkpoint goes out once all three have joined.
            for (int i = 0; i < 3; i++) {
                children.add(Child.start(i, dir, stack, sftFile, promptFile, tokenizerSpec));
            }
            try (Admin admin = Admin.create(kafka)) {
                // Not found until the first member joined: keep asking.
                await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptionsInstanceOf(java.util.concurrent.ExecutionException.class).until(() -> {
                    children.forEach(Child::requireAlive);
                    ConsumerGroupDescription workers = admin.describeConsumerGroups(List.of(GROUP + "-workers"))
                            .describedGroups().get(GROUP + "-workers").get();
                    return workers.members().size() == 3 && workers.members().stream()
                            .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
                });
                send(kafka, shared, event);

                Child victim = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(1))
                        .until(() -> children.stream().filter(c -> c.startedTask() != null).findFirst().orElse(null),
                                c -> c != null);
                String task = victim.startedTask();
                victim.kill();
                assertThat(victim.lines()).as("the victim was killed before it committed %s", task)
                        .noneMatch(l -> l.contains("judged " + task));

                // Done when the survivors have committed every task's offset; each commit carried its records.
                String taskTopic = shared.evaluationTasks(GROUP).name();
                await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).until(() -> {
                    children.stream().filter(c -> c != victim).forEach(Child::requireAlive);
                    return committedAll(admin, GROUP + "-workers", taskTopic);
                });
                List<Child> survivors = children.stream().filter(c -> c != victim).toList();
                assertThat(survivors).as("a survivor redid the killed task %s", task)
                        .anySatisfy(c -> assertThat(c.lines()).anyMatch(l -> l.contains("judged " + task)));
            }

            List<Judgment> published = readCommitted(stack, shared.judgments());
            Map<String, Long> copies = published.stream()
                    .collect(Collectors.groupingBy(Judgment::getPromptId, Collectors.counting()));
            assertThat(copies).as("records per prompt").hasSize(PROMPTS).allSatisfy((p, n) -> assertThat(n)
                    .as(p).isEqualTo(1L));
            Map<String, Judgment> actual = onePerPrompt(published);
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            expected.forEach((prompt, want) -> {
                Judgment got = actual.get(prompt);
                assertThat(got.getCandidate()).as(prompt).isEqualTo(want.getCandidate());
                assertThat(got.getBaseline()).as(prompt).isEqualTo(want.getBaseline());
                assertThat(got.getPreference()).as(prompt).isEqualTo(want.getPreference());
                assertThat(got.getCandidateScore()).as(prompt).isEqualTo(want.getCandidateScore());
                assertThat(got.getLogProbPolicy()).as(prompt).isEqualTo(want.getLogProbPolicy());
                assertThat(got.getLogProbSft()).as(prompt).isEqualTo(want.getLogProbSft());
                assertThat(got.getCandidateTokens()).as(prompt).isEqualTo(want.getCandidateTokens());
            });

            WinRate reference = winRate(stack, single, dir, "single");
            WinRate trio = winRate(stack, shared, dir, "trio");
            System.out.printf("EvaluatorWorkersIT: single worker %.4f%% (KL %.6f), three workers with one killed "
                    + "%.4f%% (KL %.6f), n=%d%n", reference.getWinRate(), reference.getKlToSft(), trio.getWinRate(),
                    trio.getKlToSft(), trio.getNTotal());
            assertThat(trio.getNTotal()).isEqualTo(PROMPTS);
            assertThat(trio.getNWins()).isEqualTo(reference.getNWins());
            assertThat(trio.getNWinsBase()).isEqualTo(reference.getNWinsBase());
            assertThat(trio.getNDraws()).isEqualTo(reference.getNDraws());
            // Preferences are 1, 1.5 or 2: their sums are exact in any order.
            assertThat(trio.getWinRate()).isEqualTo(reference.getWinRate());
            assertThat(trio.getStandardError()).isEqualTo(reference.getStandardError());
            // The same samples, added in the order their shards arrived: equal up to the order of float additions.
            assertThat(trio.getKlToSft()).isCloseTo(reference.getKlToSft(), within(1e-9));
            assertThat(trio.getMeanGoldScore()).isCloseTo(reference.getMeanGoldScore(), within(1e-9));
            assertThat(trio.getLengthControlledWinRate()).isNotNull()
                    .isCloseTo(reference.getLengthControlledWinRate(), within(1e-9));
        }
    }

    private static SavedCheckpoint checkpoint(TextTokenizer tokenizer, long seed, Path file) {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(new ModelConfig(tokenizer.vocabSize(), 64, 2, 4, 64),
                TrainingConfig.builder().lossType("sft").learningRate(1e-3).maxSteps(1).seed(seed).build())) {
            return trainer.saveCheckpoint(file);
        }
    }

    private static void send(Map<String, Object> kafka, Topics topics, CheckpointEvent event) throws Exception {
        try (KafkaProducer<String, CheckpointEvent> producer = new KafkaProducer<>(kafka,
                topics.checkpoints().keySerde().serializer(), topics.checkpoints().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.checkpoints().name(), event.getRunId(), event)).get();
        }
    }

    private static boolean committedAll(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        long tasks = 0;
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
            long endOffset = end.getValue().offset();
            tasks += endOffset;
            OffsetAndMetadata done = committed.get(end.getKey());
            // A transactional topic's end includes commit markers: committed past the last task is enough.
            if (endOffset > 0 && (done == null || done.offset() < endOffset - 1)) {
                return false;
            }
        }
        return tasks > 0;
    }

    private static <V> List<V> readCommitted(EmbeddedStack stack, Topic<String, V> topic) {
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed end offsets: everything committed so far, nothing of an open transaction.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(DEADLINE).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> out.add(r.value()));
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return out;
    }

    private static Map<String, Judgment> onePerPrompt(List<Judgment> records) {
        Map<String, Judgment> out = new HashMap<>();
        records.forEach(j -> out.put(j.getPromptId(), j));
        assertThat(out).hasSize(PROMPTS);
        return out;
    }

    /** The complete WinRate of the checkpoint, from the win-rate topology over {@code topics}. */
    private static WinRate winRate(EmbeddedStack stack, Topics topics, Path dir, String name) throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "workers-it-" + name);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams-" + name).toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        try (KafkaStreams streams = new KafkaStreams(WinRateTopology.topology(topics), props);
                KafkaConsumer<String, WinRate> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                        topics.winRates().keySerde().deserializer(), topics.winRates().valueSerde().deserializer())) {
            streams.start();
            TopicPartition partition = new TopicPartition(topics.winRates().name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            WinRate[] complete = new WinRate[1];
            await().atMost(DEADLINE).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (r.value() != null && r.value().getNTotal() == PROMPTS) {
                        complete[0] = r.value();
                    }
                });
                return complete[0] != null;
            });
            return complete[0];
        }
    }

    /** A {@code tralign evaluate run} JVM whose stderr lines (progress and notices) are kept and logged. */
    private static final class Child {
        private final Process process;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final Path log;

        private Child(Process process, Path log) {
            this.process = process;
            this.log = log;
            Thread reader = new Thread(this::read, "child-stderr");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(int index, Path dir, EmbeddedStack stack, Path sft, Path prompts, String tokenizer)
                throws IOException {
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Dai.djl.offline=true",
                    "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", classpath,
                    Main.class.getName(), "evaluate", "run", "--bootstrap", stack.bootstrapServers(),
                    "--registry", stack.registryUrl(), "--sft", sft.toString(), "--prompts", prompts.toString(),
                    "--tokenizer", tokenizer, "--judge", "world-gold", "--world-seed", "1",
                    "--max-new-tokens", Integer.toString(MAX_NEW_TOKENS), "--seed", Long.toString(SEED),
                    "--group", GROUP, "--prompts-per-task", Integer.toString(PER_TASK),
                    "--task-partitions", Integer.toString(TASKS), "--session-timeout", "PT6S", "--no-win-rates");
            pb.redirectOutput(dir.resolve("worker-" + index + ".out").toFile());
            return new Child(pb.start(), dir.resolve("worker-" + index + ".log"));
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8)); PrintWriter w = new PrintWriter(Files.newBufferedWriter(log))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                    w.println(line);
                    w.flush();
                }
            } catch (IOException e) {
                // the process was killed: its pipe closes
            }
        }

        /** The task this worker has started ("shard k/n of run@step ..."), or null before its first. */
        String startedTask() {
            synchronized (lines) {
                for (String line : lines) {
                    int at = line.indexOf("evaluate: started ");
                    if (at >= 0) {
                        String rest = line.substring(at + "evaluate: started ".length());
                        return rest.substring(0, rest.indexOf(" (prompts"));
                    }
                }
            }
            return null;
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        void requireAlive() {
            if (!process.isAlive()) {
                throw new IllegalStateException("worker exited with " + process.exitValue() + "; its log: " + log);
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
