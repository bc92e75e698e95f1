package dev.tralign.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedStackExtension.class)
class CheckpointEvaluatorServiceIT {

    private static final String ALPHABET = "abcd";
    private static final List<String> PROMPTS = List.of("ab", "ba", "cc", "dab");

    private final EmbeddedStack stack;

    CheckpointEvaluatorServiceIT(EmbeddedStack stack) {
        this.stack = stack;
    }

    @Test
    void judgesEachCheckpointOnceAndSkipsBadOnesWithoutStopping() throws Exception {
        Path dir = Files.createTempDirectory("evaluator-it");
        AlphabetTokenizer tokenizer = new AlphabetTokenizer(ALPHABET);
        Path checkpoint = dir.resolve("step-1.ckpt");
        SavedCheckpoint saved;
        try (AlignmentTrainer trainer = AlignmentTrainer.create(
                new ModelConfig(tokenizer.vocabSize(), 16, 1, 2, 16),
                TrainingConfig.builder().lossType("sft").learningRate(1e-3).maxSteps(1).seed(3).build())) {
            saved = trainer.saveCheckpoint(checkpoint);
        }
        List<String> notices = new CopyOnWriteArrayList<>();
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        try (Topics topics = stack.topics(); Policy sft = Policy.load(checkpoint)) {
            stack.createTopics(topics);
            CheckpointEvaluation evaluation = new CheckpointEvaluation(new CompletionCodec(tokenizer), sft, PROMPTS,
                    new GoldRewardJudge((prompt, completion) -> completion.chars().filter(c -> c == 'a').count()),
                    6, 11);
            try (CheckpointEvaluatorService service = new CheckpointEvaluatorService(kafka, topics, evaluation,
                    "evaluator-it", notices::add).start();
                    KafkaProducer<String, CheckpointEvent> producer = new KafkaProducer<>(Map.of(
                            "bootstrap.servers", stack.bootstrapServers()),
                            topics.checkpoints().keySerde().serializer(),
                            topics.checkpoints().valueSerde().serializer())) {
                send(producer, topics, event(1, checkpoint, saved.sha256()));
                send(producer, topics, event(2, checkpoint, "0".repeat(64)));
                send(producer, topics, event(3, dir.resolve("missing.ckpt"), saved.sha256()));
                send(producer, topics, event(1, checkpoint, saved.sha256()));
                send(producer, topics, event(4, checkpoint, saved.sha256()));

                await().atMost(Duration.ofSeconds(60)).until(() -> service.evaluated() == 2 && notices.size() == 2);
                assertThat(service.failure()).isNull();
                assertThat(notices).anySatisfy(n -> assertThat(n).contains("@2").contains("sha256"));
                assertThat(notices).anySatisfy(n -> assertThat(n).contains("@3").contains("missing.ckpt"));

                List<Judgment> judgments = readAll(topics.judgments(), 2 * PROMPTS.size());
                assertThat(judgments).extracting(Judgment::getStep).containsOnly(1L, 4L);
                assertThat(judgments).filteredOn(j -> j.getStep() == 1).hasSize(PROMPTS.size());
                assertThat(judgments).allSatisfy(j -> {
                    assertThat(j.getJudge()).isEqualTo("gold");
                    assertThat(j.getPreference()).isBetween(1.0, 2.0);
                });
                assertThat(judgments).allSatisfy(j -> {
                    assertThat(j.getLogProbPolicy()).isNotNull();
                    assertThat(j.getCandidateTokens()).isNotNull().isPositive();
                    // The checkpoint IS the SFT policy here, so its KL sample must be zero.
                    assertThat(j.getLogProbPolicy()).isCloseTo(j.getLogProbSft(),
                            org.assertj.core.data.Offset.offset(1e-5));
                });
            }
        }
    }

    private static CheckpointEvent event(long step, Path file, String sha256) {
        return CheckpointEvent.newBuilder().setRunId("run-it").setStep(step).setUri(file.toUri().toString())
                .setSha256(sha256).setConfigDigest("c").setCreatedAt(Instant.now()).build();
    }

    private static void send(KafkaProducer<String, CheckpointEvent> producer, Topics topics, CheckpointEvent event)
            throws Exception {
        producer.send(new ProducerRecord<>(topics.checkpoints().name(), event.getRunId(), event)).get();
    }

    private <V> List<V> readAll(Topic<String, V> topic, int expected) {
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            TopicPartition partition = new TopicPartition(topic.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                return out.size() >= expected;
            });
            // Nothing beyond the expected records: duplicates would show here.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(r.value()));
        }
        return out;
    }
}
