package dev.tralign.evaluator.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tralign.evaluator.winrate.LengthControlledWinRate;
import dev.tralign.evaluator.winrate.WinRateStats;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.WinRate;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WinRateTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path stateDir;

    private Topics topics;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Judgment> judgments;
    private TestOutputTopic<String, WinRate> winRates;

    @BeforeEach
    void start() {
        topics = Topics.forTests(new InMemorySchemaRegistryClient());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "win-rate-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put("processing.exception.handler.global.enabled", true);
        driver = new TopologyTestDriver(WinRateTopology.topology(topics), props);
        judgments = driver.createInputTopic(topics.judgments().name(),
                topics.judgments().keySerde().serializer(), topics.judgments().valueSerde().serializer());
        winRates = driver.createOutputTopic(topics.winRates().name(),
                topics.winRates().keySerde().deserializer(), topics.winRates().valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        topics.close();
    }

    private static Judgment judgment(String run, long step, String prompt, Double preference) {
        return judgment(run, step, prompt, preference, "cand-" + prompt, "base-" + prompt, null);
    }

    private static Judgment judgment(String run, long step, String prompt, Double preference, String candidate,
            String baseline, Double candidateScore) {
        return Judgment.newBuilder().setRunId(run).setStep(step).setPromptId(prompt).setJudge("gold")
                .setCandidate(candidate).setBaseline(baseline).setPreference(preference)
                .setCandidateScore(candidateScore).setBaselineScore(null).setRatings(Map.of()).setAt(T0).build();
    }

    /** An evaluation record: the verdict with the candidate sample's log-probs. */
    private static Judgment evaluated(String run, long step, String prompt, Double preference, double lpPolicy,
            double lpSft, int tokens) {
        Judgment judgment = judgment(run, step, prompt, preference);
        judgment.setLogProbPolicy(lpPolicy);
        judgment.setLogProbSft(lpSft);
        judgment.setCandidateTokens(tokens);
        return judgment;
    }

    private void send(Judgment judgment, long millis) {
        judgments.pipeInput(judgment.getRunId(), judgment, T0.plusMillis(millis));
    }

    private Map<String, WinRate> latest() {
        return winRates.readKeyValuesToMap();
    }

    @Test
    void aggregatesJudgmentsPerRunAndStep() {
        send(judgment("r1", 10, "p1", 2.0), 1);
        send(judgment("r1", 10, "p2", 1.0), 2);
        send(judgment("r1", 10, "p3", 1.5), 3);
        send(judgment("r1", 20, "p1", 2.0), 4);
        send(judgment("r2", 10, "p1", 1.0), 5);

        Map<String, WinRate> latest = latest();

        assertThat(latest).containsOnlyKeys("r1/10", "r1/20", "r2/10");
        WinRate r1s10 = latest.get("r1/10");
        WinRateStats expected = WinRateStats.ofPreferences(2, 1, 1.5);
        assertThat(r1s10.getRunId()).isEqualTo("r1");
        assertThat(r1s10.getStep()).isEqualTo(10);
        assertThat(r1s10.getNTotal()).isEqualTo(3);
        assertThat(r1s10.getNWins()).isEqualTo(1);
        assertThat(r1s10.getNWinsBase()).isEqualTo(1);
        assertThat(r1s10.getNDraws()).isEqualTo(1);
        assertThat(r1s10.getWinRate()).isCloseTo(50.0, within(1e-9));
        assertThat(r1s10.getStandardError()).isCloseTo(expected.standardError(), within(1e-9));
        assertThat(r1s10.getWilsonLow()).isCloseTo(expected.wilsonLow(), within(1e-9));
        assertThat(r1s10.getWilsonHigh()).isCloseTo(expected.wilsonHigh(), within(1e-9));
        assertThat(r1s10.getAt()).isEqualTo(T0.plusMillis(3));
        assertThat(latest.get("r1/20").getWinRate()).isCloseTo(100.0, within(1e-9));
        assertThat(latest.get("r2/10").getWinRate()).isCloseTo(0.0, within(1e-9));
        assertThat(r1s10.getKlToSft()).isNull();
    }

    @Test
    void reJudgingAPromptReplacesItsJudgment() {
        send(judgment("r", 5, "p1", 2.0), 1);
        send(judgment("r", 5, "p2", 2.0), 2);
        send(judgment("r", 5, "p1", 1.0), 3);
        send(judgment("r", 5, "p1", 1.0), 4);

        WinRate winRate = latest().get("r/5");

        assertThat(winRate.getNTotal()).isEqualTo(2);
        assertThat(winRate.getNWins()).isEqualTo(1);
        assertThat(winRate.getNWinsBase()).isEqualTo(1);
        assertThat(winRate.getWinRate()).isCloseTo(50.0, within(1e-9));
    }

    @Test
    void missingJudgmentsAreExcludedAndIdenticalOutputsTie() {
        send(judgment("r", 1, "p1", 2.0), 1);
        send(judgment("r", 1, "p2", null), 2);
        send(judgment("r", 1, "p3", 1.0, "same", "same", null), 3);

        WinRate winRate = latest().get("r/1");

        assertThat(winRate.getNTotal()).isEqualTo(2);
        assertThat(winRate.getNDraws()).isEqualTo(1);
        assertThat(winRate.getWinRate()).isCloseTo(75.0, within(1e-9));
    }

    @Test
    void aMissingReJudgmentRetractsTheEarlierVerdict() {
        send(judgment("r", 1, "p1", 2.0), 1);
        send(judgment("r", 1, "p2", 1.0), 2);
        send(judgment("r", 1, "p1", null), 3);

        WinRate winRate = latest().get("r/1");

        assertThat(winRate.getNTotal()).isEqualTo(1);
        assertThat(winRate.getWinRate()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void meanGoldScoreComesFromCandidateScores() {
        send(judgment("r", 1, "p1", 2.0, "a", "b", 3.0), 1);
        send(judgment("r", 1, "p2", 1.0, "c", "d", 1.0), 2);

        assertThat(latest().get("r/1").getMeanGoldScore()).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void winRateAndKlComeFromTheSameEvaluationRecords() {
        // log-ratios 3 and 1 over 4 + 6 tokens: 2 nats per sequence, 0.4 per token.
        send(evaluated("r", 7, "p1", 2.0, -10.0, -13.0, 4), 1);
        send(evaluated("r", 7, "p2", 1.0, -20.0, -21.0, 6), 2);
        // A re-sent record replaces itself: neither its verdict nor its sample counts twice.
        send(evaluated("r", 7, "p2", 1.0, -20.0, -21.0, 6), 3);

        WinRate winRate = latest().get("r/7");

        assertThat(winRate.getKlToSft()).isCloseTo(2.0, within(1e-12));
        assertThat(winRate.getKlToSftPerToken()).isCloseTo(0.4, within(1e-12));
        assertThat(winRate.getNTotal()).isEqualTo(2);
        assertThat(winRate.getWinRate()).isCloseTo(50.0, within(1e-9));
    }

    @Test
    void aReJudgedPromptReplacesItsKlSampleToo() {
        send(evaluated("r", 7, "p1", 2.0, -10.0, -13.0, 4), 1);
        send(evaluated("r", 7, "p1", 1.0, -10.0, -11.0, 2), 2);

        WinRate winRate = latest().get("r/7");

        assertThat(winRate.getKlToSft()).isCloseTo(1.0, within(1e-12));
        assertThat(winRate.getKlToSftPerToken()).isCloseTo(0.5, within(1e-12));
        assertThat(winRate.getWinRate()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void aMissingVerdictStillCountsItsKlSample() {
        send(evaluated("r", 2, "p1", 2.0, -4.0, -6.0, 2), 1);
        send(evaluated("r", 2, "p2", null, -4.0, -4.0, 2), 2);

        WinRate winRate = latest().get("r/2");

        assertThat(winRate.getNTotal()).isEqualTo(1);
        assertThat(winRate.getKlToSft()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void runIdsWithSlashesCannotCollide() {
        send(judgment("a/1", 2, "p", 2.0), 1);
        send(judgment("a", 1, "2/p", 1.0), 2);

        Map<String, WinRate> latest = latest();

        assertThat(latest).hasSize(2);
        assertThat(latest.get(Keys.step("a/1", 2)).getWinRate()).isCloseTo(100.0, within(1e-9));
        assertThat(Keys.parts(Keys.of("a/1", 2, "p\\q"))).containsExactly("a/1", "2", "p\\q");
    }

    @Test
    void theLengthControlledWinRateIsComputedFromTheLatestJudgmentPerPromptInPromptOrder() {
        // Longer candidates win: the raw win rate is high, LC (at equal length) lower.
        List<Judgment> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean longer = i % 4 != 0;
            String candidate = "c".repeat(longer ? 120 + i : 40 + i);
            double preference = longer == (i % 7 != 0) ? 2.0 : 1.0;
            sent.add(judgment("r", 3, String.format("p%02d", 39 - i), preference, candidate, "b".repeat(80), null));
        }
        sent.forEach(j -> send(j, 1));
        // A re-judged prompt replaces its lengths and preference, and a late missing verdict counts only its lengths.
        Judgment rejudged = judgment("r", 3, "p05", 1.0, "x".repeat(300), "b".repeat(80), null);
        send(rejudged, 2);
        Judgment missing = judgment("r", 3, "p99", null, "m".repeat(900), "b".repeat(80), null);
        send(missing, 3);

        WinRate winRate = latest().get("r/3");

        List<Judgment> expected = new ArrayList<>(sent);
        expected.removeIf(j -> j.getPromptId().equals("p05"));
        expected.add(rejudged);
        expected.add(missing);
        expected.sort(java.util.Comparator.comparing(Judgment::getPromptId));
        LengthControlledWinRate lc =
                LengthControlledWinRate.of(expected.stream().map(Records::lengthJudgment).toList());
        assertThat(lc.nJudged()).isEqualTo(40);
        assertThat(winRate.getLengthControlledWinRate()).isCloseTo(lc.winRate(), within(1e-12));
        assertThat(winRate.getLengthControlledWinRate()).isLessThan(winRate.getWinRate());
        assertThat(winRate.getLcStandardError()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void fewerThanFiveVerdictsHaveNoLengthControlledWinRate() {
        for (int i = 0; i < 4; i++) {
            send(judgment("r", 1, "p" + i, 2.0), i);
        }
        assertThat(latest().get("r/1").getLengthControlledWinRate()).isNull();
        send(judgment("r", 1, "p4", 1.0), 5);
        assertThat(latest().get("r/1").getLengthControlledWinRate()).isNotNull();
    }
}
