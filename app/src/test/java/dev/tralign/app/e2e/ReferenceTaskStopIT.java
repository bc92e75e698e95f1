package dev.tralign.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.evaluator.dashboard.WinRateSnapshot;
import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.evaluator.stream.EvaluatorTopology;
import dev.tralign.evaluator.stream.GuardTopology;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.RunSummary;
import dev.tralign.trainerservice.TrainerService;
import dev.tralign.trainerservice.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reference task end to end on the real broker: a DPO run (high learning rate, tiny built-in GPT) scores its
 * policy on a held-out SFT set every 5 steps; the evaluator's guard (GuardTopology in Kafka Streams) reads the
 * committed eval/sft_nll from tralign.train-metrics and publishes REFERENCE_TASK_DEGRADED once it rose 0.1
 * nats/token (set here; the default is 1) above its lowest; the run, with guard.reference_task_degraded.policy=stop,
 * ends at a later checkpoint whose event names the alert. The trainer waits at each checkpoint for the guard's
 * verdict on the train-metrics committed with the previous one (tralign.guard-verdicts), so the stop lands exactly
 * one checkpoint after the checkpoint that committed the alerting step, however far the trainer could have run.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ReferenceTaskStopIT {

    private static final String ALPHABET = "abcdefgh";
    /** Data for far more steps than the stop at 15 needs: a run the guard failed to stop would go on to 100. */
    private static final int STEPS = 100;
    private static final int BATCH = 4;

    @Test
    void aDpoRunWhoseHeldoutSftNllRisesIsStoppedByItsGuard(EmbeddedStack stack) throws Exception {
        String prefix = "reftask.";
        Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "reftask");
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        try (Topics topics = Topics.create(prefix, registry)) {
            stack.createTopics(topics, 1);
            write(stack, topics, pairs(STEPS * BATCH, 5));
            Path heldout = dir.resolve("heldout.jsonl");
            List<String> lines = new ArrayList<>();
            for (PreferencePair p : pairs(32, 9)) {
                lines.add("{\"prompt\": \"" + p.getPrompt() + "\", \"completion\": \"" + p.getChosen() + "\"}");
            }
            Files.write(heldout, lines);

            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("run.id", "reftask");
            settings.put("bootstrap.servers", stack.bootstrapServers());
            settings.put("schema.registry.url", stack.registryUrl());
            settings.put("topic.prefix", prefix);
            settings.put("checkpoint.dir", dir.resolve("checkpoints").toString());
            settings.put("model.init", "fresh");
            settings.put("model.embed", "32");
            settings.put("model.layers", "1");
            settings.put("model.heads", "2");
            settings.put("model.max_seq_len", "24");
            settings.put("tokenizer", "alphabet:" + ALPHABET);
            settings.put("batch_size", Integer.toString(BATCH));
            settings.put("learning_rate", "0.01");
            settings.put("checkpoint.every_steps", "5");
            settings.put("log.every_steps", "50");
            settings.put("metrics.heldout_sft.file", heldout.toString());
            settings.put("metrics.heldout_sft.every_steps", "5");
            settings.put("guard.reference_task_degraded.policy", "stop");

            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "reftask-guard");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
            EvaluatorTopology.robust(props);
            RunSummary summary;
            // A tenth of the default rise: the tiny model's NLL moves 0.3 nats/token in its first 10 steps.
            GuardConfig config = GuardConfig.defaults(8).withReferenceTaskRise(0.1);
            try (KafkaStreams guard = new KafkaStreams(GuardTopology.topology(topics, config, alerts::add), props)) {
                guard.start();
                try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
                    summary = service.run();
                }
            }

            Alert alert = alerts.stream().filter(a -> a.getKind() == AlertKind.REFERENCE_TASK_DEGRADED).findFirst()
                    .orElseThrow(() -> new AssertionError("no REFERENCE_TASK_DEGRADED among " + alerts));
            Map<String, Double> evidence = alert.getEvidence();
            assertThat(evidence.get("sft_nll") - evidence.get("sft_nll_lowest")).isGreaterThan(0.1);
            assertThat(evidence.get("rise")).isEqualTo(0.1);

            // The alert's numbers are the trainer's: eval/sft_nll of the alert's step on tralign.train-metrics.
            Map<Long, Map<String, Double>> metrics = new LinkedHashMap<>();
            WinRateSnapshot.readEach(new java.util.HashMap<>(Map.of("bootstrap.servers", stack.bootstrapServers())),
                    topics.trainMetrics(), Duration.ofSeconds(30), m -> metrics.put(m.getStep(), m.getMetrics()));
            assertThat(metrics.get(1L)).containsKey("eval/sft_nll_start");
            assertThat(metrics.get(alert.getStep()).get("eval/sft_nll")).isEqualTo(evidence.get("sft_nll"));
            long lowestStep = evidence.get("lowest_step").longValue();
            assertThat(lowestStep == 0 ? metrics.get(1L).get("eval/sft_nll_start")
                    : metrics.get(lowestStep).get("eval/sft_nll")).isEqualTo(evidence.get("sft_nll_lowest"));

            // Stopped by its guard one checkpoint after the one that committed the alerting step (checkpoints every
            // 5 steps), and the final event says why.
            assertThat(summary.completed()).isFalse();
            long committedWith = (alert.getStep() + 4) / 5 * 5;
            assertThat(summary.steps()).isEqualTo(committedWith + 5);
            CheckpointEvent last = summary.checkpoints().get(summary.checkpoints().size() - 1);
            assertThat(last.getMetadata()).containsEntry("end", "guard-stop");
            assertThat(last.getStopReason()).startsWith("REFERENCE_TASK_DEGRADED at step " + alert.getStep() + ": ")
                    .contains("held-out SFT NLL");
            System.out.printf("held-out SFT NLL %.4f at step %d (lowest %.4f at step %d); run stopped at step %d%n",
                    evidence.get("sft_nll"), alert.getStep(), evidence.get("sft_nll_lowest"), lowestStep,
                    summary.steps());
        }
    }

    private static List<PreferencePair> pairs(int count, long seed) {
        Random random = new Random(seed);
        List<PreferencePair> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(PreferencePair.newBuilder().setId("pair-" + seed + "-" + i).setPrompt(word(random, 3, 6))
                    .setChosen(word(random, 3, 8)).setRejected(word(random, 3, 8)).setSource("test")
                    .setCreatedAt(Instant.ofEpochMilli(0)).build());
        }
        return out;
    }

    private static String word(Random random, int min, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = min + random.nextInt(max - min + 1); i > 0; i--) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static void write(EmbeddedStack stack, Topics topics, List<PreferencePair> pairs) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("acks", "all");
        String topic = topics.preferences().name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (PreferencePair pair : pairs) {
                sent.add(producer.send(new ProducerRecord<>(topic,
                        topics.preferences().keySerde().serializer().serialize(topic, pair.getId()),
                        topics.preferences().valueSerde().serializer().serialize(topic, pair))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }
}
