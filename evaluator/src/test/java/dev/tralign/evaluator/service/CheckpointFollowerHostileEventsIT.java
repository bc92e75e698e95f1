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
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.checkpoint.SavedCheckpoint;
import dev.tralign.trainer.config.TrainingConfig;
import dev.tralign.trainer.model.ModelConfig;
import dev.tralign.trainer.tokenizer.AlphabetTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checkpoint follower meets the events of issue #19 D5 (an http:// URI, /dev/zero, a truncated file whose
 * sha256 matches its event, a record that is not Avro) and a good checkpoint after them: it skips and reports
 * each, evaluates the good one, commits past all of them, and closes promptly.
 */
@ExtendWith(EmbeddedStackExtension.class)
class CheckpointFollowerHostileEventsIT {

    private static final String ALPHABET = "abcd";
    private static final List<String> PROMPTS = List.of("ab", "ba");
    private static final String GROUP = "evaluator-hostile-it";

    private final EmbeddedStack stack;

    CheckpointFollowerHostileEventsIT(EmbeddedStack stack) {
        this.stack = stack;
    }

    @Test
    void skipsReportsAndCommitsPastEveryUnreadableCheckpoint() throws Exception {
        Path dir = Files.createTempDirectory("evaluator-hostile-it");
        AlphabetTokenizer tokenizer = new AlphabetTokenizer(ALPHABET);
        Path checkpoint = dir.resolve("step-1.ckpt");
        SavedCheckpoint saved;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(
                new ModelConfig(tokenizer.vocabSize(), 16, 1, 2, 16),
                TrainingConfig.builder().lossType("sft").learningRate(1e-3).maxSteps(1).seed(3).build())) {
            saved = trainer.saveCheckpoint(checkpoint);
        }
        byte[] full = Files.readAllBytes(checkpoint);
        byte[] half = java.util.Arrays.copyOf(full, full.length / 2);
        Path truncated = Files.write(dir.resolve("truncated.ckpt"), half);
        String truncatedSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(half));

        List<String> notices = new CopyOnWriteArrayList<>();
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        try (Topics topics = stack.topics(); Policy sft = Policy.load(checkpoint)) {
            stack.createTopics(topics);
            CheckpointEvaluation evaluation = new CheckpointEvaluation(new CompletionCodec(tokenizer), sft, PROMPTS,
                    new GoldRewardJudge((prompt, completion) -> completion.chars().filter(c -> c == 'a').count()),
                    6, 11);
            CheckpointEvaluatorService service = new CheckpointEvaluatorService(kafka, topics, evaluation, GROUP,
                    notices::add).start();
            try (KafkaProducer<String, CheckpointEvent> events = new KafkaProducer<>(kafka,
                    topics.checkpoints().keySerde().serializer(), topics.checkpoints().valueSerde().serializer());
                    KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(kafka, new ByteArraySerializer(),
                            new ByteArraySerializer())) {
                String name = topics.checkpoints().name();
                events.send(new ProducerRecord<>(name, "run-h", event(1, "http://elsewhere/step-1.ckpt", saved.sha256())))
                        .get();
                events.send(new ProducerRecord<>(name, "run-h", event(2, "file:///dev/zero", saved.sha256()))).get();
                events.send(new ProducerRecord<>(name, "run-h", event(3, truncated.toUri().toString(), truncatedSha)))
                        .get();
                raw.send(new ProducerRecord<>(name, "run-h".getBytes(StandardCharsets.UTF_8),
                        "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8))).get();
                events.send(new ProducerRecord<>(name, "run-h", event(5, checkpoint.toUri().toString(),
                        saved.sha256()))).get();

                await().atMost(Duration.ofSeconds(90)).until(() -> service.evaluated() == 1 && service.skipped() == 4);
                assertThat(service.failure()).isNull();
                assertThat(notices).hasSize(4);
                // The planner meets the non-Avro record; workers meet the others, in whatever order their tasks'
                // partitions are read.
                assertThat(notices).anySatisfy(n -> assertThat(n).contains("@1").contains("scheme"));
                assertThat(notices).anySatisfy(n -> assertThat(n).contains("@2").contains("not a regular file"));
                assertThat(notices).anySatisfy(n -> assertThat(n).contains("@3").contains("does not load"));
                assertThat(notices).anySatisfy(n -> assertThat(n).contains("not a CheckpointEvent"));

                // Committed past everything: a restart starts after the good checkpoint.
                try (Admin admin = Admin.create(kafka)) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                                .partitionsToOffsetAndMetadata().get();
                        OffsetAndMetadata offset = committed.get(new TopicPartition(name, 0));
                        return offset != null && offset.offset() == 5;
                    });
                }
                List<DeadLetter> letters = UnreadableCheckpointLetters.atLeast(stack, topics, 4);
                assertThat(letters).filteredOn(d -> d.getErrorClass().equals("UNREADABLE_CHECKPOINT")).hasSize(4)
                        .extracting(DeadLetter::getSourceOffset).containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
            } finally {
                long closing = System.nanoTime();
                service.close();
                assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    private static CheckpointEvent event(long step, String uri, String sha256) {
        return CheckpointEvent.newBuilder().setRunId("run-h").setStep(step).setUri(uri).setSha256(sha256)
                .setConfigDigest("c").setCreatedAt(Instant.now()).build();
    }
}
