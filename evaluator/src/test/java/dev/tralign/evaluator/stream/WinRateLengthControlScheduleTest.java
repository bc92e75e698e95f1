package dev.tralign.evaluator.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.evaluator.winrate.LengthControlledWinRate;
import dev.tralign.evaluator.winrate.LengthJudgments;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the win-rate topology fits the length-controlled win rate: once a checkpoint holds the eval set. */
class WinRateLengthControlScheduleTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int EVAL_PROMPTS = 60;

    @TempDir
    Path stateDir;

    /** A checkpoint whose longer candidates mostly win; one prompt's verdict is missing (its lengths still count). */
    private static List<Judgment> checkpoint(String run, long step) {
        List<Judgment> judgments = new ArrayList<>();
        for (int i = 0; i < EVAL_PROMPTS; i++) {
            boolean longer = i % 4 != 0;
            Double preference = i == 17 ? null : longer == (i % 7 != 0) ? 2.0 : 1.0;
            judgments.add(judgment(run, step, String.format("p%02d", i), preference,
                    "c".repeat(longer ? 120 + i : 40 + i)));
        }
        return judgments;
    }

    private static Judgment judgment(String run, long step, String prompt, Double preference, String candidate) {
        return Judgment.newBuilder().setRunId(run).setStep(step).setPromptId(prompt).setJudge("gold")
                .setCandidate(candidate).setBaseline("b".repeat(80)).setPreference(preference)
                .setCandidateScore(null).setBaselineScore(null).setRatings(Map.of()).setAt(T0).build();
    }

    /** The fit the topology must publish: every judgment of the checkpoint, in prompt-id order. */
    private static double directFit(List<Judgment> judgments) {
        return LengthControlledWinRate.of(judgments.stream().sorted(Comparator.comparing(Judgment::getPromptId))
                .map(Records::lengthJudgment).toList()).winRate();
    }

    /** Runs the topology over the judgments, one at a time, and returns every WinRate it emitted, in order. */
    private List<WinRate> stream(Supplier<LengthControlFits> lengthControl, List<Judgment> judgments) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lc-schedule-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        try (Topics topics = Topics.forTests(new InMemorySchemaRegistryClient())) {
            StreamsBuilder builder = new StreamsBuilder();
            WinRateTopology.build(builder, topics.judgments(), topics.winRates(), lengthControl);
            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
                TestInputTopic<String, Judgment> in = driver.createInputTopic(topics.judgments().name(),
                        topics.judgments().keySerde().serializer(), topics.judgments().valueSerde().serializer());
                TestOutputTopic<String, WinRate> out = driver.createOutputTopic(topics.winRates().name(),
                        topics.winRates().keySerde().deserializer(), topics.winRates().valueSerde().deserializer());
                long millis = 0;
                for (Judgment judgment : judgments) {
                    in.pipeInput(judgment.getRunId(), judgment, T0.plusMillis(++millis));
                }
                return out.readRecordsToList().stream().map(TestRecord::value).toList();
            }
        }
    }

    private static Function<LengthJudgments, LengthControlledWinRate> counting(AtomicLong fits) {
        return lengths -> {
            fits.incrementAndGet();
            return lengths.lengthControlled();
        };
    }

    @Test
    void theLcAppearsExactlyWhenTheCheckpointCompletesAndIsFittedOnce() {
        List<Judgment> sent = new ArrayList<>(checkpoint("r", 3));
        Collections.shuffle(sent, new Random(7));
        AtomicLong fits = new AtomicLong();

        List<WinRate> emitted = stream(() -> LengthControlFits.whenComplete(EVAL_PROMPTS, counting(fits)), sent);

        assertThat(emitted).hasSize(EVAL_PROMPTS);
        for (int i = 0; i < EVAL_PROMPTS - 1; i++) {
            assertThat(emitted.get(i).getLengthControlledWinRate()).as("LC after %d of %d prompts", i + 1,
                    EVAL_PROMPTS).isNull();
            assertThat(emitted.get(i).getLcStandardError()).isNull();
        }
        WinRate complete = emitted.get(EVAL_PROMPTS - 1);
        assertThat(complete.getNTotal()).isEqualTo(EVAL_PROMPTS - 1); // the missing verdict is not counted
        assertThat(complete.getLengthControlledWinRate()).isEqualTo(directFit(sent));
        assertThat(complete.getLengthControlledWinRate()).isLessThan(complete.getWinRate());
        assertThat(fits.get()).isEqualTo(1);
    }

    @Test
    void theCompleteLcIsBitIdenticalToFittingEveryUpdateAndToAnyArrivalOrder() {
        List<Judgment> inOrder = checkpoint("r", 3);
        List<Judgment> shuffled = new ArrayList<>(inOrder);
        Collections.shuffle(shuffled, new Random(11));
        AtomicLong everyUpdateFits = new AtomicLong();

        List<WinRate> everyUpdate = stream(() -> LengthControlFits.everyUpdate(counting(everyUpdateFits)), inOrder);
        List<WinRate> once = stream(() -> LengthControlFits.whenComplete(EVAL_PROMPTS), shuffled);

        Double fittedEveryUpdate = everyUpdate.get(everyUpdate.size() - 1).getLengthControlledWinRate();
        assertThat(fittedEveryUpdate).isNotNull();
        assertThat(once.get(once.size() - 1).getLengthControlledWinRate()).isEqualTo(fittedEveryUpdate);
        // Fitting every update (as before this schedule): one fit per record, O(n) per checkpoint.
        assertThat(everyUpdateFits.get()).isEqualTo(EVAL_PROMPTS);
    }

    @Test
    void aRedeliveredJudgmentReusesTheFitAndARejudgedOneRefits() {
        List<Judgment> sent = new ArrayList<>(checkpoint("r", 3));
        Judgment redelivered = sent.get(30);
        Judgment rejudged = judgment("r", 3, "p05", 1.0, "x".repeat(300));
        sent.add(redelivered);
        sent.add(rejudged);
        AtomicLong fits = new AtomicLong();

        List<WinRate> emitted = stream(() -> LengthControlFits.whenComplete(EVAL_PROMPTS, counting(fits)), sent);

        WinRate complete = emitted.get(EVAL_PROMPTS - 1);
        WinRate last = emitted.get(emitted.size() - 1);
        assertThat(emitted.get(EVAL_PROMPTS).getLengthControlledWinRate())
                .isEqualTo(complete.getLengthControlledWinRate());
        List<Judgment> expected = new ArrayList<>(checkpoint("r", 3));
        expected.removeIf(j -> j.getPromptId().equals("p05"));
        expected.add(rejudged);
        assertThat(last.getLengthControlledWinRate()).isEqualTo(directFit(expected))
                .isNotEqualTo(complete.getLengthControlledWinRate());
        assertThat(fits.get()).as("fits: the complete set, then the re-judged one").isEqualTo(2);
    }

    @Test
    void eachCheckpointCompletesOnItsOwn() {
        List<Judgment> sent = new ArrayList<>(checkpoint("r", 1));
        sent.addAll(checkpoint("r", 2).subList(0, EVAL_PROMPTS - 1));

        List<WinRate> emitted = stream(() -> LengthControlFits.whenComplete(EVAL_PROMPTS), sent);

        assertThat(emitted.stream().filter(w -> w.getStep() == 1 && w.getLengthControlledWinRate() != null))
                .hasSize(1);
        assertThat(emitted.stream().filter(w -> w.getStep() == 2).map(WinRate::getLengthControlledWinRate))
                .containsOnlyNulls();
    }

    @Test
    void anEvalSetBelowOnePromptIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> LengthControlFits.whenComplete(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("guard.eval_prompts=0");
    }
}
