package dev.tralign.evaluator.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tralign.evaluator.guard.ChampionConfig;
import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.ChampionVerdict;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Champion promotion inside the evaluator's whole Streams application (win rates, guard, champions): only judgments
 * (with the samples' log-probs, for KL) and checkpoint events go in, as the evaluator and trainer write them.
 */
class ChampionTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int PROMPTS = 20;

    @TempDir
    Path stateDir;

    private final List<ModelPromotion> seen = new ArrayList<>();
    private final List<ChampionVerdict> decided = new ArrayList<>();
    /** What the in-process consumers saw, in order. */
    private final List<String> order = new ArrayList<>();
    private Topics topics;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Judgment> judgments;
    private TestInputTopic<String, CheckpointEvent> checkpoints;
    private TestOutputTopic<String, ModelPromotion> promotions;
    private TestOutputTopic<String, ChampionVerdict> verdicts;
    private long clock;

    private void start(ChampionConfig champion) {
        topics = Topics.forTests(new InMemorySchemaRegistryClient());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "champion-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put("processing.exception.handler.global.enabled", true);
        GuardConfig guard = GuardConfig.defaults(PROMPTS).withKlBudget(champion.klBudget());
        driver = new TopologyTestDriver(EvaluatorTopology.of(topics, guard, champion, alert -> { }, p -> {
            seen.add(p);
            order.add("promotion " + p.getStep());
        }, v -> {
            decided.add(v);
            order.add("verdict " + v.getStep());
        }),
                props);
        judgments = driver.createInputTopic(topics.judgments().name(), topics.judgments().keySerde().serializer(),
                topics.judgments().valueSerde().serializer());
        checkpoints = driver.createInputTopic(topics.checkpoints().name(),
                topics.checkpoints().keySerde().serializer(), topics.checkpoints().valueSerde().serializer());
        promotions = driver.createOutputTopic(topics.promotions().name(),
                topics.promotions().keySerde().deserializer(), topics.promotions().valueSerde().deserializer());
        verdicts = driver.createOutputTopic(topics.championVerdicts().name(),
                topics.championVerdicts().keySerde().deserializer(),
                topics.championVerdicts().valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        topics.close();
    }

    /** A checkpoint event, then its judgments: the first {@code wins} prompts won, the rest lost, at {@code kl}. */
    private void checkpoint(String run, long step, int wins, double kl) {
        checkpoints.pipeInput(run, CheckpointEvent.newBuilder().setRunId(run).setStep(step)
                .setUri("file:/ckpt/" + run + "/step-" + step + ".ckpt").setSha256("sha-" + run + "-" + step)
                .setConfigDigest("d").setCreatedAt(T0).build(), T0.plusMillis(++clock));
        for (int i = 0; i < PROMPTS; i++) {
            judgments.pipeInput(run, Judgment.newBuilder().setRunId(run).setStep(step).setPromptId("eval-" + i)
                    .setJudge("gold").setCandidate("c" + step + "-" + i).setBaseline("b" + i)
                    .setPreference(i < wins ? 2.0 : 1.0).setRatings(Map.of()).setCandidateTokens(5)
                    .setLogProbPolicy(-10.0).setLogProbSft(-10.0 - kl).setAt(T0).build(), T0.plusMillis(++clock));
        }
    }

    @Test
    void anEarlyChampionIsKeptWhileLaterCheckpointsOverOptimize() {
        start(ChampionConfig.of(GuardConfig.defaults(PROMPTS).withKlBudget(10)));
        checkpoint("dpo", 10, 15, 2.0);
        checkpoint("dpo", 20, 17, 3.5);
        checkpoint("dpo", 30, 6, 8.0);
        checkpoint("dpo", 40, 20, 12.0);

        List<ModelPromotion> out = promotions.readValuesToList();
        assertThat(out).hasSize(1);
        ModelPromotion p = out.get(0);
        assertThat(p.getFamily()).isEqualTo("dpo");
        assertThat(p.getStep()).isEqualTo(10);
        assertThat(p.getPreviousRunId()).isNull();
        assertThat(p.getCheckpointUri()).isEqualTo("file:/ckpt/dpo/step-10.ckpt");
        assertThat(p.getSha256()).isEqualTo("sha-dpo-10");
        // 15 prompts better than SFT, 5 worse: P(X >= 15), X ~ Bin(20, 1/2) = 21700 / 2^20.
        assertThat(p.getEvidence()).containsEntry("better", 15.0).containsEntry("worse", 5.0)
                .containsEntry("level", 0.05).containsEntry("win_rate", 75.0);
        assertThat(p.getEvidence().get("p_value")).isCloseTo(21700.0 / 1048576, within(1e-12));
        assertThat(p.getEvidence().get("kl_to_sft")).isCloseTo(2.0, within(1e-12));
        assertThat(seen).containsExactly(p);
        // Only the champion's verdicts stay: the losers' and the over-budget checkpoint's are forgotten.
        java.util.Set<String> kept = new java.util.TreeSet<>();
        try (var it = driver.<String, Double>getKeyValueStore(ChampionTopology.PREFERENCES).all()) {
            it.forEachRemaining(kv -> kept.add(Keys.parts(kv.key).get(1)));
        }
        assertThat(kept).containsExactly("10");
    }

    @Test
    void everyFullyEvaluatedCheckpointGetsOneVerdictAfterThePromotionItCaused() {
        start(ChampionConfig.of(GuardConfig.defaults(PROMPTS).withKlBudget(10)));
        checkpoint("dpo", 10, 15, 2.0);
        checkpoint("dpo", 20, 17, 3.5);
        checkpoint("dpo", 30, 6, 12.0);
        // The final event repeats step 30: nothing new to decide.
        checkpoint("dpo", 30, 6, 12.0);

        List<ChampionVerdict> out = verdicts.readValuesToList();
        assertThat(out).extracting(v -> v.getRunId() + "@" + v.getStep() + (v.getPromoted() ? " promoted" : ""))
                .containsExactly("dpo@10 promoted", "dpo@20", "dpo@30");
        assertThat(out).allSatisfy(v -> assertThat(v.getFamily()).isEqualTo("dpo"));
        assertThat(decided).isEqualTo(out);
        // The in-process consumers see the promotion before the verdict that reports it.
        assertThat(order).containsExactly("promotion 10", "verdict 10", "verdict 20", "verdict 30");
    }

    @Test
    void aSignificantlyBetterCheckpointOfAnotherRunInTheFamilyTakesOver() {
        start(ChampionConfig.of(GuardConfig.defaults(PROMPTS)).withFamilies("(.*)-seed[0-9]+"));
        checkpoint("tr-dpo-seed1", 10, 15, 2.0);
        checkpoint("tr-dpo-seed2", 10, 20, 2.5);
        checkpoint("other", 10, 20, 2.5);

        List<ModelPromotion> out = promotions.readValuesToList();
        assertThat(out).extracting(ModelPromotion::getFamily).containsExactly("tr-dpo", "tr-dpo", "other");
        ModelPromotion second = out.get(1);
        assertThat(second.getRunId()).isEqualTo("tr-dpo-seed2");
        assertThat(second.getPreviousRunId()).isEqualTo("tr-dpo-seed1");
        assertThat(second.getPreviousStep()).isEqualTo(10L);
        // Only the 5 prompts where they disagree count, all for seed 2: p = 2^-5.
        assertThat(second.getEvidence()).containsEntry("better", 5.0).containsEntry("worse", 0.0)
                .containsEntry("previous_win_rate", 75.0);
        assertThat(second.getEvidence().get("p_value")).isCloseTo(1.0 / 32, within(1e-12));
    }

    @Test
    void theLevelIsConfigurable() {
        start(ChampionConfig.of(GuardConfig.defaults(PROMPTS)).withLevel(0.01));
        checkpoint("dpo", 10, 15, 2.0);
        assertThat(promotions.isEmpty()).isTrue();
        checkpoint("dpo", 20, 17, 2.0);
        assertThat(promotions.readValuesToList()).extracting(ModelPromotion::getStep).containsExactly(20L);
    }
}
