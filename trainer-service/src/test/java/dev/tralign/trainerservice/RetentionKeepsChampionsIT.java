package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retention never deletes a family's current champion: {@code export --champion} and the online loop read it. A
 * champion promoted earlier and since replaced is no longer protected. Local checkpoint directory, real broker.
 */
@ExtendWith(EmbeddedStackExtension.class)
class RetentionKeepsChampionsIT {

    @Test
    void theCurrentChampionSurvivesRetentionAndAReplacedOneDoesNot(EmbeddedStack stack) throws Exception {
        String prefix = "keep.";
        String run = "keep-champion";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        PreferenceData.write(stack, topics, PreferenceData.pairs(24, 9), 1, List.of());
        // Every step judged; step 5 is the best by raw win rate. Family "a" promoted step 1, then step 3 (step 1 is
        // no longer its champion); family "b" promoted step 2 of this run.
        try (KafkaProducer<String, WinRate> rates = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all"),
                topics.winRates().keySerde().serializer(), topics.winRates().valueSerde().serializer());
                KafkaProducer<String, ModelPromotion> promotions = new KafkaProducer<>(
                        Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all"),
                        topics.promotions().keySerde().serializer(), topics.promotions().valueSerde().serializer())) {
            for (long step = 1; step <= 6; step++) {
                rates.send(new ProducerRecord<>(topics.winRates().name(), run + "|" + step,
                        winRate(run, step, step == 5 ? 90 : 50))).get();
            }
            promotions.send(new ProducerRecord<>(topics.promotions().name(), "a", promotion("a", run, 1))).get();
            promotions.send(new ProducerRecord<>(topics.promotions().name(), "b", promotion("b", run, 2))).get();
            promotions.send(new ProducerRecord<>(topics.promotions().name(), "a", promotion("a", run, 3))).get();
        }
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "keep");
        Map<String, String> settings = PreferenceData.settings(stack, prefix, run, dir);
        settings.put("checkpoint.every_steps", "1");
        settings.put("checkpoint.keep_last", "1");
        settings.put("checkpoint.keep_best", "1");
        settings.put("checkpoint.keep_unjudged", "false");
        RunConfig config = RunConfig.of(settings);

        try (TrainerService service = new TrainerService(config)) {
            assertThat(service.run().steps()).isEqualTo(6);
        }

        // Kept: the last (6), the best (5), the champions (2 of b, 3 of a); deleted: 1 (replaced) and 4.
        try (Stream<Path> files = Files.list(config.checkpointDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ckpt")).sorted())
                    .containsExactly("step-2.ckpt", "step-3.ckpt", "step-5.ckpt", "step-6.ckpt");
        }
        topics.close();
    }

    private static WinRate winRate(String runId, long step, double rate) {
        return WinRate.newBuilder().setRunId(runId).setStep(step).setNWins(1).setNWinsBase(0).setNDraws(0)
                .setNTotal(4).setWinRate(rate).setStandardError(0).setDiscreteWinRate(rate).setWilsonLow(0)
                .setWilsonHigh(1).setAt(Instant.now()).build();
    }

    private static ModelPromotion promotion(String family, String runId, long step) {
        return ModelPromotion.newBuilder().setFamily(family).setRunId(runId).setStep(step)
                .setEvidence(Map.of("p_value", 0.01)).setAt(Instant.now()).build();
    }
}
