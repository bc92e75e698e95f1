package dev.tralign.evaluator.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Generation;
import dev.tralign.schemas.avro.GenerationRole;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineFeedbackTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path stateDir;

    private Topics topics;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Judgment> judgments;
    private TestInputTopic<String, Generation> generations;
    private TestOutputTopic<String, PreferencePair> pairs;

    private void start(OnlineFeedbackOptions options) {
        topics = Topics.forTests(new InMemorySchemaRegistryClient());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "online-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        driver = new TopologyTestDriver(OnlineFeedbackTopology.topology(topics, options), props);
        judgments = driver.createInputTopic(topics.judgments().name(),
                topics.judgments().keySerde().serializer(), topics.judgments().valueSerde().serializer());
        generations = driver.createInputTopic(topics.generations().name(),
                topics.generations().keySerde().serializer(), topics.generations().valueSerde().serializer());
        pairs = driver.createOutputTopic(topics.preferencesOnline().name(),
                topics.preferencesOnline().keySerde().deserializer(),
                topics.preferencesOnline().valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
            topics.close();
        }
    }

    private static Judgment judgment(String run, long step, String prompt, Double preference) {
        return Judgment.newBuilder().setRunId(run).setStep(step).setPromptId(prompt).setJudge("gold")
                .setCandidate("cand-" + prompt + "-" + step).setBaseline("base-" + prompt).setPreference(preference)
                .setCandidateScore(null).setBaselineScore(null).setRatings(Map.of()).setAt(T0).build();
    }

    private static Generation generation(String run, long step, String prompt, GenerationRole role, long seed) {
        return Generation.newBuilder().setRunId(run).setStep(step).setRole(role).setPromptId(prompt)
                .setPrompt((role == GenerationRole.POLICY ? "text of " : "baseline text of ") + prompt)
                .setCompletion("c").setSeed(seed).setTokens(1).setLogProbPolicy(null).setLogProbSft(null).setAt(T0)
                .build();
    }

    private void send(Judgment j, long millis) {
        judgments.pipeInput(j.getRunId(), j, T0.plusMillis(millis));
    }

    private void send(Generation g, long millis) {
        generations.pipeInput(g.getRunId(), g, T0.plusMillis(millis));
    }

    @Test
    void judgedPolicySampleBecomesAPairWithThePolicyPromptAndProvenance() {
        start(OnlineFeedbackOptions.DEFAULTS);
        send(generation("r", 10, "p1", GenerationRole.BASELINE, 1), 1);
        send(generation("r", 10, "p1", GenerationRole.POLICY, 1), 2);
        send(judgment("r", 10, "p1", 2.0), 3);
        send(generation("r", 10, "p2", GenerationRole.POLICY, 1), 4);
        send(judgment("r", 10, "p2", 1.0), 5);

        List<KeyValue<String, PreferencePair>> out = pairs.readKeyValuesToList();

        assertThat(out).hasSize(2);
        PreferencePair won = out.get(0).value;
        assertThat(out.get(0).key).isEqualTo(won.getId());
        assertThat(won.getPrompt()).isEqualTo("text of p1");
        assertThat(won.getChosen()).isEqualTo("cand-p1-10");
        assertThat(won.getRejected()).isEqualTo("base-p1");
        assertThat(won.getId()).isEqualTo(PairIds.pairId("text of p1", "cand-p1-10", "base-p1"));
        assertThat(won.getSource()).isEqualTo("online:r");
        assertThat(won.getCreatedAt()).isEqualTo(T0.plusMillis(3));
        assertThat(won.getMetadata()).containsEntry("judged_at_step", "10").containsEntry("run", "r")
                .containsEntry("prompt_id", "p1").containsEntry("judge", "gold");
        PreferencePair lost = out.get(1).value;
        assertThat(lost.getChosen()).isEqualTo("base-p2");
        assertThat(lost.getRejected()).isEqualTo("cand-p2-10");
    }

    @Test
    void judgmentArrivingBeforeItsGenerationWaitsForThePrompt() {
        start(OnlineFeedbackOptions.DEFAULTS);
        send(judgment("r", 20, "p1", 2.0), 1);
        assertThat(pairs.isEmpty()).isTrue();
        send(generation("r", 20, "p1", GenerationRole.BASELINE, 1), 2);
        assertThat(pairs.isEmpty()).as("the baseline's generation is not the policy sample").isTrue();
        send(generation("r", 20, "p1", GenerationRole.POLICY, 1), 3);
        assertThat(pairs.readValuesToList()).singleElement()
                .satisfies(p -> assertThat(p.getPrompt()).isEqualTo("text of p1"));
    }

    @Test
    void theSameRunStepAndPromptNeverYieldsTwoPairs() {
        start(OnlineFeedbackOptions.DEFAULTS);
        send(generation("r", 10, "p1", GenerationRole.POLICY, 1), 1);
        send(judgment("r", 10, "p1", 2.0), 2);
        send(judgment("r", 10, "p1", 1.0), 3);
        send(judgment("r", 10, "p1", 2.0), 4);
        send(generation("r", 10, "p1", GenerationRole.POLICY, 2), 5);
        // Other steps and runs of the same prompt are different keys.
        send(generation("r", 20, "p1", GenerationRole.POLICY, 1), 6);
        send(judgment("r", 20, "p1", 2.0), 7);
        send(generation("other/run", 10, "p1", GenerationRole.POLICY, 1), 8);
        send(judgment("other/run", 10, "p1", 2.0), 9);

        List<PreferencePair> out = pairs.readValuesToList();

        assertThat(out).extracting(p -> p.getSource() + "@" + p.getMetadata().get("judged_at_step"))
                .containsExactly("online:r@10", "online:r@20", "online:other/run@10");
        assertThat(out.get(0).getChosen()).as("the first verdict stands").isEqualTo("cand-p1-10");
        KeyValueStore<String, String> emitted = driver.getKeyValueStore(OnlineFeedbackTopology.EMITTED);
        assertThat(emitted.get("r/10/p1")).isEqualTo(out.get(0).getId());
        assertThat(emitted.get("other\\/run/10/p1")).isEqualTo(out.get(2).getId());
    }

    @Test
    void tiesMissingAndWeakJudgmentsAreSkipped() {
        start(new OnlineFeedbackOptions(0.3, 1.0));
        for (int i = 0; i < 6; i++) {
            send(generation("r", 10, "p" + i, GenerationRole.POLICY, 1), i);
        }
        send(judgment("r", 10, "p0", 1.5), 10);
        send(judgment("r", 10, "p1", null), 11);
        send(judgment("r", 10, "p2", 1.7), 12);
        send(judgment("r", 10, "p3", 1.2), 13);
        send(judgment("r", 10, "p4", 1.8), 14);
        judgments.pipeInput("r", null, T0.plusMillis(15));

        assertThat(pairs.readValuesToList()).extracting(p -> p.getMetadata().get("prompt_id"))
                .containsExactly("p3", "p4");
    }

    @Test
    void samplingKeepsTheKeysTheGateKeeps() {
        start(new OnlineFeedbackOptions(0.0, 0.4));
        int n = 200;
        for (int i = 0; i < n; i++) {
            send(generation("r", 10, "p" + i, GenerationRole.POLICY, 1), i);
            send(judgment("r", 10, "p" + i, 2.0), i);
        }
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (SamplingGate.keep("r/10/p" + i, 0.4)) {
                expected.add("p" + i);
            }
        }

        List<String> kept = pairs.readValuesToList().stream().map(p -> p.getMetadata().get("prompt_id")).toList();

        assertThat(kept).containsExactlyElementsOf(expected);
        assertThat(kept.size()).isBetween(50, 110);
    }

    @Test
    void onlyJudgmentsOfSelectedRunsBecomePairs() {
        start(new OnlineFeedbackOptions(0.0, 1.0, java.util.regex.Pattern.compile(".*\\.online")));
        send(generation("tr-dpo", 10, "eval-1", GenerationRole.POLICY, 1), 1);
        send(judgment("tr-dpo", 10, "eval-1", 2.0), 2);
        send(generation("tr-dpo.online", 10, "train-1", GenerationRole.POLICY, 1), 3);
        send(judgment("tr-dpo.online", 10, "train-1", 2.0), 4);

        assertThat(pairs.readValuesToList()).extracting(PreferencePair::getSource)
                .containsExactly("online:tr-dpo.online");
    }
}
