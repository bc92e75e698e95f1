package dev.tralign.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.DeadLetter;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.stack.S3rverPeer;
import dev.tralign.store.S3CheckpointStore;
import dev.tralign.store.S3Options;
import dev.tralign.store.StoreLocation;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint follower reading an S3 checkpoint store (s3rver, a real S3-protocol server): it evaluates a good
 * object, skips and reports (notice, log, DLQ, counter) a replaced object, a missing one, one outside its store and
 * one it cannot reach for longer than its store retry timeout, and evaluates again once the server is back. A store
 * that is down for a few seconds only delays the checkpoint, also across a restart of the evaluator meanwhile.
 */
@ExtendWith(EmbeddedStackExtension.class)
class S3CheckpointFollowerIT {

    private static final String ALPHABET = "abcd";
    private static final String BUCKET = "tralign-eval";
    private static final String GROUP = "evaluator-s3-it";

    private final EmbeddedStack stack;
    @TempDir
    Path dir;

    S3CheckpointFollowerIT(EmbeddedStack stack) {
        this.stack = stack;
    }

    private static SavedCheckpoint checkpoint(Path file, AlphabetTokenizer tokenizer, long seed) {
        try (AlignmentTrainer trainer = AlignmentTrainer.create(new ModelConfig(tokenizer.vocabSize(), 16, 1, 2, 16),
                TrainingConfig.builder().lossType("sft").learningRate(1e-3).maxSteps(1).seed(seed).build())) {
            return trainer.saveCheckpoint(file);
        }
    }

    private static S3Options options(S3rverPeer peer) {
        return S3Options.parse(Map.of("endpoint", peer.endpoint().toString(), "path_style", "true",
                "access_key_id", S3rverPeer.ACCESS_KEY_ID, "secret_access_key", S3rverPeer.SECRET_ACCESS_KEY), "");
    }

    /** Two prompts judged by the count of 'a's: quick, and the same for every test. */
    private static CheckpointEvaluation evaluation(AlphabetTokenizer tokenizer, Policy sft) {
        return new CheckpointEvaluation(new CompletionCodec(tokenizer), sft, List.of("ab", "ba"),
                new GoldRewardJudge((p, c) -> c.chars().filter(x -> x == 'a').count()), 6, 11);
    }

    @Test
    void evaluatesGoodObjectsAndSkipsReplacedMissingForeignAndUnreachableOnes() throws Exception {
        AlphabetTokenizer tokenizer = new AlphabetTokenizer(ALPHABET);
        SavedCheckpoint good = checkpoint(dir.resolve("good.ckpt"), tokenizer, 3);
        SavedCheckpoint other = checkpoint(dir.resolve("other.ckpt"), tokenizer, 4);
        Path downloads = dir.resolve("downloads");
        List<String> notices = new CopyOnWriteArrayList<>();
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        try (S3rverPeer peer = S3rverPeer.start(dir.resolve("s3"), BUCKET);
                Topics topics = Topics.create("s3eval.", Map.of("schema.registry.url", stack.registryUrl()));
                Policy sft = Policy.load(good.path())) {
            stack.createTopics(topics);
            S3Options options = options(peer);
            StoreLocation.S3 location = (StoreLocation.S3) StoreLocation.parse("store", "s3://" + BUCKET + "/runs");
            URI step1;
            URI step2;
            URI step4;
            URI step5;
            try (S3CheckpointStore trainerSide = new S3CheckpointStore(location, options)) {
                step1 = trainerSide.put(good.path(), "run-s/step-1.ckpt", good.sha256());
                // Replaced after its event was written: the bytes are another checkpoint's.
                step2 = trainerSide.put(other.path(), "run-s/step-2.ckpt", other.sha256());
                step4 = trainerSide.put(good.path(), "run-s/step-4.ckpt", good.sha256());
                step5 = trainerSide.put(good.path(), "run-s/step-5.ckpt", good.sha256());
            }
            CheckpointEvaluation evaluation = evaluation(tokenizer, sft);
            CheckpointEvaluatorService service = new CheckpointEvaluatorService(kafka, topics, evaluation, GROUP,
                    notices::add).withCheckpointStore(new S3CheckpointStore(location, options), downloads)
                    .withStoreRetry(Duration.ofSeconds(2)).start();
            try (KafkaProducer<String, CheckpointEvent> events = new KafkaProducer<>(kafka,
                    topics.checkpoints().keySerde().serializer(), topics.checkpoints().valueSerde().serializer())) {
                String name = topics.checkpoints().name();
                events.send(new ProducerRecord<>(name, "run-s", event(1, step1, good.sha256()))).get();
                events.send(new ProducerRecord<>(name, "run-s", event(2, step2, good.sha256()))).get();
                events.send(new ProducerRecord<>(name, "run-s", event(3,
                        URI.create("s3://" + BUCKET + "/runs/run-s/step-3.ckpt"), good.sha256()))).get();
                events.send(new ProducerRecord<>(name, "run-s", event(6,
                        URI.create("s3://" + BUCKET + "/elsewhere/step-6.ckpt"), good.sha256()))).get();
                await().atMost(Duration.ofSeconds(90)).until(() -> service.evaluated() == 1 && service.skipped() == 3);
                // Checkpoints are judged in parallel tasks: a URI refused before any download (@6) may be reported
                // before an earlier event's missing object (@3), so each notice is found by its checkpoint.
                assertThat(notice(notices, "@2")).contains("the event says " + good.sha256());
                assertThat(notice(notices, "@3")).contains("step-3.ckpt is missing");
                assertThat(notice(notices, "@6")).contains("outside the checkpoint store");

                peer.stop();
                events.send(new ProducerRecord<>(name, "run-s", event(4, step4, good.sha256()))).get();
                await().atMost(Duration.ofSeconds(90)).until(() -> service.skipped() == 4);
                assertThat(notice(notices, "@4")).contains("did not answer for PT2S")
                        .contains("a transient failure").contains("reachable").contains("resetting");

                peer.start();
                events.send(new ProducerRecord<>(name, "run-s", event(5, step5, good.sha256()))).get();
                await().atMost(Duration.ofSeconds(90)).until(() -> service.evaluated() == 2);
                assertThat(service.failure()).isNull();
                // One download on disk at a time: the last evaluated checkpoint's.
                try (Stream<Path> files = Files.walk(downloads)) {
                    assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                            .containsExactly("step-5.ckpt");
                }
                assertThat(UnreadableCheckpointLetters.atLeast(stack, topics, 4)).extracting(DeadLetter::getReason)
                        .anySatisfy(r -> assertThat(r).contains("run-s@2"))
                        .anySatisfy(r -> assertThat(r).contains("run-s@3"))
                        .anySatisfy(r -> assertThat(r).contains("run-s@6"))
                        .anySatisfy(r -> assertThat(r).contains("run-s@4").contains("did not answer"));
            } finally {
                service.close();
            }
        }
    }

    @Test
    void aStoreDownForSecondsDelaysTheCheckpointAcrossARestartAndLosesNothing() throws Exception {
        AlphabetTokenizer tokenizer = new AlphabetTokenizer(ALPHABET);
        SavedCheckpoint good = checkpoint(dir.resolve("good.ckpt"), tokenizer, 3);
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        String group = "evaluator-s3-outage-it";
        try (S3rverPeer peer = S3rverPeer.start(dir.resolve("s3"), BUCKET);
                Topics topics = Topics.create("s3outage.", Map.of("schema.registry.url", stack.registryUrl()));
                Policy sft = Policy.load(good.path())) {
            stack.createTopics(topics);
            S3Options options = options(peer);
            StoreLocation.S3 location = (StoreLocation.S3) StoreLocation.parse("store", "s3://" + BUCKET + "/runs");
            URI step1;
            try (S3CheckpointStore trainerSide = new S3CheckpointStore(location, options)) {
                step1 = trainerSide.put(good.path(), "run-r/step-1.ckpt", good.sha256());
            }
            CheckpointEvaluation evaluation = evaluation(tokenizer, sft);
            List<String> notices = new CopyOnWriteArrayList<>();
            String retrying = "store unreachable, retrying checkpoint step 1 of run run-r";

            // The store is down when the event arrives: the evaluator retries, and is closed meanwhile.
            peer.stop();
            List<String> firstLines = new CopyOnWriteArrayList<>();
            CheckpointEvaluatorService first = new CheckpointEvaluatorService(kafka, topics, evaluation, group,
                    notices::add).withCheckpointStore(new S3CheckpointStore(location, options), dir.resolve("d1"))
                    .withStoreRetry(Duration.ofSeconds(60)).withProgress(firstLines::add).start();
            try (KafkaProducer<String, CheckpointEvent> events = new KafkaProducer<>(kafka,
                    topics.checkpoints().keySerde().serializer(), topics.checkpoints().valueSerde().serializer())) {
                events.send(new ProducerRecord<>(topics.checkpoints().name(), "run-r", event("run-r", 1, step1,
                        good.sha256()))).get();
            }
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> count(firstLines, retrying) >= 2);
            } finally {
                long closing = System.nanoTime();
                first.close();
                // Closing stops the retry at once instead of waiting out its 60 s.
                assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(10));
            }
            assertThat(first.skipped()).isZero();
            assertThat(first.evaluated()).isZero();

            // The next evaluator of the group meets the same uncommitted task, retries it through ~3 s of outage,
            // and judges it once the store answers again.
            List<String> lines = new CopyOnWriteArrayList<>();
            CheckpointEvaluatorService second = new CheckpointEvaluatorService(kafka, topics, evaluation, group,
                    notices::add).withCheckpointStore(new S3CheckpointStore(location, options), dir.resolve("d2"))
                    .withStoreRetry(Duration.ofSeconds(60)).withProgress(lines::add).start();
            try {
                // Five failed attempts: 200 + 400 + 800 + 1600 ms of pauses, about 3 s of the store being down.
                await().atMost(Duration.ofSeconds(60)).until(() -> count(lines, retrying) >= 5);
                peer.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> second.evaluated() == 1
                        || second.skipped() > 0);
                assertThat(second.skipped()).isZero();
                assertThat(second.evaluated()).isEqualTo(1);
                assertThat(second.failure()).isNull();
                assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("judged shard 1/1 of run-r@1"));
            } finally {
                second.close();
            }
            assertThat(notices).isEmpty();
            assertThat(deadLettersWritten(topics)).isZero();
        }
    }

    private static long count(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).count();
    }

    /** Offsets written to the DLQ (dead letters and their transaction markers): zero when nothing was ever sent. */
    private long deadLettersWritten(Topics topics) {
        try (KafkaConsumer<String, DeadLetter> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                topics.dlq().keySerde().deserializer(), topics.dlq().valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.dlq().name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static CheckpointEvent event(long step, URI uri, String sha256) {
        return event("run-s", step, uri, sha256);
    }

    private static CheckpointEvent event(String run, long step, URI uri, String sha256) {
        return CheckpointEvent.newBuilder().setRunId(run).setStep(step).setUri(uri.toString()).setSha256(sha256)
                .setConfigDigest("c").setCreatedAt(Instant.now()).build();
    }

    /** The last notice about checkpoint {@code at} of run-s (e.g. "@3"): its verdict, after any progress lines. */
    private static String notice(List<String> notices, String at) {
        List<String> about = notices.stream().filter(n -> n.contains("run-s" + at + " ")).toList();
        assertThat(about).as("notices about %s in %s", at, notices).isNotEmpty();
        return about.get(about.size() - 1);
    }
}
