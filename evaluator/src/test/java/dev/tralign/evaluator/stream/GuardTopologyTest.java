package dev.tralign.evaluator.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import dev.tralign.schemas.avro.GuardVerdict;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.ReferenceUpdateEvent;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int PROMPTS = 8;

    @TempDir
    Path stateDir;

    private final List<Alert> counted = new ArrayList<>();
    private final List<TopologyTestDriver> drivers = new ArrayList<>();
    private Topics topics;
    private TestInputTopic<String, WinRate> winRates;
    private TestInputTopic<String, Judgment> judgments;
    private TestInputTopic<String, ReferenceUpdateEvent> updates;
    private TestInputTopic<String, TrainMetrics> metrics;
    private TestOutputTopic<String, Alert> alerts;
    private TestOutputTopic<String, GuardVerdict> verdicts;
    private long clock;

    private void start(GuardConfig config) {
        topics = Topics.forTests(new InMemorySchemaRegistryClient());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "guard-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("d" + drivers.size()).toString());
        props.put("processing.exception.handler.global.enabled", true);
        EvaluatorTopology.robust(props);
        TopologyTestDriver driver = new TopologyTestDriver(GuardTopology.topology(topics, config, counted::add),
                props);
        drivers.add(driver);
        winRates = driver.createInputTopic(topics.winRates().name(), topics.winRates().keySerde().serializer(),
                topics.winRates().valueSerde().serializer());
        judgments = driver.createInputTopic(topics.judgments().name(), topics.judgments().keySerde().serializer(),
                topics.judgments().valueSerde().serializer());
        updates = driver.createInputTopic(topics.referenceUpdates().name(),
                topics.referenceUpdates().keySerde().serializer(),
                topics.referenceUpdates().valueSerde().serializer());
        metrics = driver.createInputTopic(topics.trainMetrics().name(), topics.trainMetrics().keySerde().serializer(),
                topics.trainMetrics().valueSerde().serializer());
        alerts = driver.createOutputTopic(topics.alerts().name(), topics.alerts().keySerde().deserializer(),
                topics.alerts().valueSerde().deserializer());
        verdicts = driver.createOutputTopic(topics.guardVerdicts().name(),
                topics.guardVerdicts().keySerde().deserializer(), topics.guardVerdicts().valueSerde().deserializer());
        clock = 0;
    }

    @AfterEach
    void stop() {
        drivers.forEach(TopologyTestDriver::close);
        if (topics != null) {
            topics.close();
        }
    }

    private Instant tick() {
        return T0.plusMillis(++clock);
    }

    private void checkpoint(String run, long step, double kl) {
        checkpoint(run, step, kl, PROMPTS, PROMPTS);
    }

    private void checkpoint(String run, long step, double kl, long judged, long klSamples) {
        winRates.pipeInput(Keys.step(run, step), WinRate.newBuilder().setRunId(run).setStep(step).setNWins(judged)
                .setNWinsBase(0).setNDraws(0).setNTotal(judged).setWinRate(50).setStandardError(1)
                .setDiscreteWinRate(50).setWilsonLow(40).setWilsonHigh(60).setKlToSft(kl).setKlSamples(klSamples)
                .setAt(T0).build(), tick());
    }

    private void judge(String run, long step, String prompt, double preference) {
        judgments.pipeInput(run, Judgment.newBuilder().setRunId(run).setStep(step).setPromptId(prompt)
                .setJudge("gold").setCandidate("c" + step + prompt).setBaseline("b" + prompt)
                .setPreference(preference).setRatings(Map.of()).setAt(T0).build(), tick());
    }

    private void judgeAll(String run, long step, double... preferences) {
        for (int i = 0; i < preferences.length; i++) {
            judge(run, step, "p" + i, preferences[i]);
        }
    }

    private void referenceUpdate(String run, long step, double alpha) {
        updates.pipeInput(run, ReferenceUpdateEvent.newBuilder().setRunId(run).setStep(step).setAlpha(alpha)
                .setTau(step > 0 ? (int) step : 1).setReferenceDigest("d").setReferenceVersion(1).setAt(T0).build(),
                tick());
    }

    private void trainMetrics(String run, long step, double loss, double gradNorm) {
        metrics.pipeInput(run, TrainMetrics.newBuilder().setRunId(run).setStep(step).setLoss(loss)
                .setLearningRate(1e-3).setGradNorm(gradNorm).setTokensPerSecond(1).setAt(T0).build(), tick());
    }

    /** A metrics record carrying the reference task's numbers (null = not in this record). */
    private void heldout(String run, long step, Double start, Double nll) {
        Map<String, Double> named = new java.util.LinkedHashMap<>();
        if (start != null) {
            named.put(GuardTopology.SFT_NLL_START, start);
        }
        if (nll != null) {
            named.put(GuardTopology.SFT_NLL, nll);
            named.put("eval/sft_nll_tokens", 500.0);
        }
        metrics.pipeInput(run, TrainMetrics.newBuilder().setRunId(run).setStep(step).setLoss(0.5)
                .setLearningRate(1e-3).setGradNorm(1.0).setTokensPerSecond(1).setMetrics(named).setAt(T0).build(),
                tick());
    }

    private List<Alert> read() {
        return alerts.readValuesToList();
    }

    /** The verdicts published since the last call, as "run@step" (their checkpoint watermark). */
    private List<String> verdictSteps() {
        return verdicts.readValuesToList().stream().map(v -> v.getRunId() + "@" + v.getStep()).toList();
    }

    @Test
    void eachTrainMetricsRecordIsFollowedByAMetricsVerdictAfterItsAlerts() {
        start(GuardConfig.defaults(PROMPTS));
        trainMetrics("r", 1, 0.5, 1.0);
        trainMetrics("r", 2, Double.NaN, 1.0);

        assertThat(read()).extracting(Alert::getStep).containsExactly(2L);
        assertThat(verdicts.readValuesToList()).extracting(v -> v.getStep() + "/" + v.getMetricsStep())
                .containsExactly("-1/1", "-1/2");
        // Every verdict carries both watermarks, so the latest record of a run says it all (compaction keeps it).
        checkpoint("r", 10, 3.0);
        trainMetrics("r", 3, 0.5, 1.0);
        trainMetrics("r", 3, 0.5, 1.0);
        assertThat(verdicts.readValuesToList()).extracting(v -> v.getStep() + "/" + v.getMetricsStep())
                .containsExactly("10/2", "10/3");
    }

    @Test
    void eachCheckedCheckpointGetsOneVerdictWithItsAlerts() {
        start(GuardConfig.defaults(PROMPTS).withKlBudget(10));
        checkpoint("dpo", 10, 4.0);
        assertThat(verdictSteps()).containsExactly("dpo@10");
        // Partial aggregates are not checked, so they settle nothing.
        checkpoint("dpo", 20, 12.0, PROMPTS - 1, PROMPTS);
        assertThat(verdictSteps()).isEmpty();

        checkpoint("dpo", 20, 12.0);
        assertThat(read()).extracting(Alert::getKind).containsExactly(AlertKind.KL_BUDGET);
        List<GuardVerdict> twenty = verdicts.readValuesToList();
        assertThat(twenty).hasSize(1);
        assertThat(twenty.get(0).getStep()).isEqualTo(20);
        assertThat(twenty.get(0).getAt()).isEqualTo(T0.plusMillis(3));
        // Later updates of a checked checkpoint's aggregate give no second verdict; training metrics move only
        // the metrics watermark.
        checkpoint("dpo", 20, 12.5);
        trainMetrics("dpo", 21, 0.5, 1.0);
        checkpoint("other", 10, 3.0);
        assertThat(verdicts.readValuesToList()).extracting(v -> v.getRunId() + "@" + v.getStep() + "/"
                + v.getMetricsStep()).containsExactly("dpo@20/21", "other@10/-1");
    }

    @Test
    void aCheckpointWhoseDropTestWaitsForJudgmentsIsSettledOnlyWhenTheTestHasRun() {
        start(GuardConfig.defaults(PROMPTS));
        judgeAll("hard", 10, 2, 2, 2, 2, 2, 2, 2, 2);
        checkpoint("hard", 10, 3.0);
        assertThat(verdictSteps()).containsExactly("hard@10");
        referenceUpdate("hard", 16, 1.0);
        checkpoint("hard", 20, 3.5);
        // Checked, but the paired test across the update has no judgments of step 20 yet.
        assertThat(verdictSteps()).isEmpty();
        // A later checkpoint checked meanwhile waits with it: a verdict covers every step up to its own.
        checkpoint("hard", 30, 3.6);
        judgeAll("hard", 20, 1, 1, 1, 1, 1, 1, 1.5);
        assertThat(verdictSteps()).isEmpty();

        judge("hard", 20, "p7", 1);

        assertThat(read()).extracting(Alert::getKind).containsExactly(AlertKind.REFERENCE_UPDATE_DROP);
        assertThat(verdictSteps()).containsExactly("hard@30");
    }

    @Test
    void aCheckpointCheckedAfterALaterOneIsCoveredByTheLaterVerdict() {
        start(GuardConfig.defaults(PROMPTS).withKlBudget(10));
        checkpoint("r", 20, 3.0);
        // Step 10's evaluation completed last: the guard skips it (steps only grow), and verdict 20 covers it.
        checkpoint("r", 10, 12.0);

        assertThat(read()).isEmpty();
        assertThat(verdictSteps()).containsExactly("r@20");
    }

    @Test
    void klOverBudgetAlertsOnceAtTheCrossingAndOnlyOnCompleteCheckpoints() {
        start(GuardConfig.defaults(PROMPTS).withKlBudget(10));
        checkpoint("dpo", 10, 4.0);
        checkpoint("dpo", 20, 12.0, PROMPTS - 1, PROMPTS);
        checkpoint("dpo", 20, 12.0, PROMPTS, PROMPTS - 1);
        assertThat(read()).isEmpty();

        checkpoint("dpo", 20, 12.0);
        checkpoint("dpo", 20, 13.0);
        checkpoint("dpo", 30, 14.0);
        checkpoint("other", 10, 3.0);

        List<Alert> out = read();
        assertThat(out).hasSize(1);
        Alert alert = out.get(0);
        assertThat(alert.getRunId()).isEqualTo("dpo");
        assertThat(alert.getStep()).isEqualTo(20);
        assertThat(alert.getKind()).isEqualTo(AlertKind.KL_BUDGET);
        assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(alert.getEvidence()).containsEntry("kl_to_sft", 12.0).containsEntry("budget", 10.0)
                .containsEntry("win_rate", 50.0);
        assertThat(alert.getAt()).isEqualTo(T0.plusMillis(4));
        assertThat(counted).containsExactly(alert);
    }

    @Test
    void klBackUnderBudgetReArmsTheAlert() {
        start(GuardConfig.defaults(PROMPTS).withKlBudget(10));
        checkpoint("r", 10, 11.0);
        checkpoint("r", 20, 9.0);
        checkpoint("r", 30, 10.5);

        assertThat(read()).extracting(Alert::getStep).containsExactly(10L, 30L);
    }

    @Test
    void klOscillationNeedsEnoughLargeSignChangesInTheWindow() {
        start(GuardConfig.defaults(PROMPTS));
        // Wiggles smaller than the 1-nat amplitude are noise, however many.
        double[] small = {2.0, 2.5, 2.1, 2.6, 2.2, 2.7};
        for (int i = 0; i < small.length; i++) {
            checkpoint("soft", 10 * (i + 1), small[i]);
        }
        assertThat(read()).isEmpty();

        // Up 2, down 2, up 2, down 2: three sign changes of moves of 2 nats.
        double[] swings = {4.7, 2.7, 4.7, 2.7};
        for (int i = 0; i < swings.length; i++) {
            checkpoint("soft", 70 + 10 * i, swings[i]);
        }
        List<Alert> out = read();
        assertThat(out).hasSize(1);
        Alert alert = out.get(0);
        assertThat(alert.getKind()).isEqualTo(AlertKind.KL_OSCILLATION);
        assertThat(alert.getStep()).isEqualTo(100);
        assertThat(alert.getEvidence().get("sign_changes")).isEqualTo(3.0);
        assertThat(alert.getEvidence().get("largest_move")).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void aMonotoneKlRiseIsNotAnOscillation() {
        start(GuardConfig.defaults(PROMPTS));
        for (int i = 0; i < 12; i++) {
            checkpoint("dpo", 10 * (i + 1), 3.0 * i);
        }
        assertThat(read()).isEmpty();
    }

    @Test
    void aSignificantPairedDropAcrossAHardUpdateAlerts() {
        start(GuardConfig.defaults(PROMPTS));
        judgeAll("hard", 10, 2, 2, 2, 2, 2, 2, 1.5, 2);
        checkpoint("hard", 10, 3.0);
        referenceUpdate("hard", 16, 1.0);
        judgeAll("hard", 20, 1, 1, 1, 1, 1, 1, 1.5, 1);
        checkpoint("hard", 20, 3.5);

        List<Alert> out = read();
        assertThat(out).hasSize(1);
        Alert alert = out.get(0);
        assertThat(alert.getKind()).isEqualTo(AlertKind.REFERENCE_UPDATE_DROP);
        assertThat(alert.getStep()).isEqualTo(20);
        assertThat(alert.getEvidence()).containsEntry("before_step", 10.0).containsEntry("after_step", 20.0)
                .containsEntry("reference_updates", 1.0).containsEntry("alpha", 1.0)
                .containsEntry("paired_prompts", 8.0);
        assertThat(alert.getEvidence().get("mean_difference")).isCloseTo(-87.5, within(1e-9));
        assertThat(alert.getEvidence().get("ci_high")).isNegative();
    }

    @Test
    void theDropTestWaitsForJudgmentsThatArriveAfterTheWinRate() {
        start(GuardConfig.defaults(PROMPTS));
        judgeAll("hard", 10, 2, 2, 2, 2, 2, 2, 2, 2);
        checkpoint("hard", 10, 3.0);
        referenceUpdate("hard", 16, 1.0);
        checkpoint("hard", 20, 3.5);
        assertThat(read()).isEmpty();

        judgeAll("hard", 20, 1, 1, 1, 1, 1, 1, 1, 1);

        assertThat(read()).extracting(Alert::getKind).containsExactly(AlertKind.REFERENCE_UPDATE_DROP);
    }

    @Test
    void aDifferenceThePairedTestCannotTellFromNoiseDoesNotAlert() {
        start(GuardConfig.defaults(PROMPTS));
        // Raw win rate falls 25 points, but prompt by prompt it is two losses against lots of noise.
        judgeAll("soft", 10, 2, 1, 2, 1, 2, 2, 1, 2);
        checkpoint("soft", 10, 3.0);
        referenceUpdate("soft", 15, 0.6);
        judgeAll("soft", 20, 2, 2, 1, 1, 1, 2, 1, 1);
        checkpoint("soft", 20, 3.1);

        assertThat(read()).isEmpty();
    }

    @Test
    void verdictsOfCheckpointsNoTestWillCompareAgainAreForgotten() {
        start(GuardConfig.defaults(PROMPTS));
        for (long step = 10; step <= 40; step += 10) {
            judgeAll("r", step, 2, 2, 2, 2, 2, 2, 2, 2);
            checkpoint("r", step, 3.0);
        }
        judgeAll("other", 10, 1, 1, 1, 1, 1, 1, 1, 1);

        java.util.Set<String> steps = new java.util.TreeSet<>();
        try (var it = drivers.get(0).<String, Double>getKeyValueStore(GuardTopology.PREFERENCES).all()) {
            it.forEachRemaining(kv -> steps.add(Keys.parts(kv.key).get(0) + "@" + Keys.parts(kv.key).get(1)));
        }
        // Step 30 is the last checkpoint's predecessor (a drop test may still need it), 40 the last.
        assertThat(steps).containsExactly("other@10", "r@30", "r@40");
    }

    @Test
    void anUpdateAtACheckpointsOwnStepSeparatesItFromTheNextCheckpointNotThePrevious() {
        start(GuardConfig.defaults(PROMPTS));
        judgeAll("hard", 10, 2, 2, 2, 2, 2, 2, 2, 2);
        checkpoint("hard", 10, 3.0);
        // The policy of step 20 is trained before the update at step 20 copies it: the drop from 10 to 20 is the
        // training's, not the update's.
        referenceUpdate("hard", 20, 1.0);
        judgeAll("hard", 20, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5);
        checkpoint("hard", 20, 3.5);
        assertThat(read()).isEmpty();

        judgeAll("hard", 30, 1, 1, 1, 1, 1, 1, 1, 1);
        checkpoint("hard", 30, 4.0);

        List<Alert> out = read();
        assertThat(out).extracting(Alert::getKind).containsExactly(AlertKind.REFERENCE_UPDATE_DROP);
        assertThat(out.get(0).getEvidence()).containsEntry("before_step", 20.0).containsEntry("after_step", 30.0)
                .containsEntry("reference_updates", 1.0);
    }

    @Test
    void withoutAReferenceUpdateBetweenCheckpointsThereIsNoDropTest() {
        start(GuardConfig.defaults(PROMPTS));
        judgeAll("dpo", 10, 2, 2, 2, 2, 2, 2, 2, 2);
        checkpoint("dpo", 10, 3.0);
        judgeAll("dpo", 20, 1, 1, 1, 1, 1, 1, 1, 1);
        checkpoint("dpo", 20, 3.0);
        // An update after step 20 belongs to the next pair of checkpoints.
        referenceUpdate("dpo", 25, 1.0);

        assertThat(read()).isEmpty();
    }

    @Test
    void aRisingLossAlertsAfterTheWarmUpAndANonFiniteOneAtOnce() {
        start(GuardConfig.defaults(PROMPTS));
        for (int step = 1; step <= 30; step++) {
            trainMetrics("r", step, 0.7 - 0.01 * step, 1.0);
        }
        assertThat(read()).isEmpty();
        for (int step = 31; step <= 60; step++) {
            trainMetrics("r", step, 0.4 + 0.1 * (step - 30), 1.0);
        }
        List<Alert> rising = read();
        assertThat(rising).hasSize(1);
        assertThat(rising.get(0).getKind()).isEqualTo(AlertKind.LOSS_DIVERGENCE);
        assertThat(rising.get(0).getSeverity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(rising.get(0).getEvidence().get("loss_average") - rising.get(0).getEvidence().get("loss_lowest"))
                .isGreaterThan(1.0);

        trainMetrics("nan", 1, Double.NaN, 1.0);
        List<Alert> nan = read();
        assertThat(nan).hasSize(1);
        assertThat(nan.get(0).getKind()).isEqualTo(AlertKind.LOSS_DIVERGENCE);
        assertThat(nan.get(0).getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(nan.get(0).getStep()).isEqualTo(1);
    }

    @Test
    void aGradientNormGrowingTenfoldAlerts() {
        start(GuardConfig.defaults(PROMPTS));
        for (int step = 1; step <= 30; step++) {
            trainMetrics("r", step, 0.5, 2.0);
        }
        assertThat(read()).isEmpty();
        for (int step = 31; step <= 60; step++) {
            trainMetrics("r", step, 0.5, 50.0);
        }
        List<Alert> out = read();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getKind()).isEqualTo(AlertKind.GRAD_NORM_DIVERGENCE);
        assertThat(out.get(0).getEvidence().get("grad_norm_lowest")).isCloseTo(2.0, within(1e-9));
        trainMetrics("r", 61, 0.5, Double.POSITIVE_INFINITY);
        assertThat(read()).isEmpty();
    }

    /** An average hovering at the threshold is one episode; it ends when the average is back halfway down. */
    @Test
    void aGradientNormHoveringAtTheThresholdAlertsOncePerEpisode() {
        start(GuardConfig.defaults(PROMPTS));
        int step = 0;
        while (step < 30) {
            trainMetrics("r", ++step, 0.5, 1.0);
        }
        for (int i = 0; i < 40; i++) {
            trainMetrics("r", ++step, 0.5, 11.0);   // the average climbs past 10x and settles near 11x
        }
        for (int i = 0; i < 40; i++) {
            trainMetrics("r", ++step, 0.5, 9.0);    // back under 10x, but not halfway down to 1x
        }
        for (int i = 0; i < 40; i++) {
            trainMetrics("r", ++step, 0.5, 11.0);   // over 10x again: the same episode
        }
        assertThat(read()).hasSize(1);
        for (int i = 0; i < 40; i++) {
            trainMetrics("r", ++step, 0.5, 1.0);    // recovered: below 5.5x
        }
        for (int i = 0; i < 40; i++) {
            trainMetrics("r", ++step, 0.5, 20.0);   // a new episode
        }
        List<Alert> second = read();
        assertThat(second).hasSize(1);
        assertThat(second.get(0).getKind()).isEqualTo(AlertKind.GRAD_NORM_DIVERGENCE);
    }

    @Test
    void anUndecodableRecordIsSkippedAndTheGuardGoesOn() {
        start(GuardConfig.defaults(PROMPTS).withKlBudget(10));
        TestInputTopic<byte[], byte[]> raw = drivers.get(0).createInputTopic(topics.trainMetrics().name(),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        raw.pipeInput("r".getBytes(), "not avro".getBytes(), tick());
        checkpoint("r", 10, 12.0);

        assertThat(read()).extracting(Alert::getKind).containsExactly(AlertKind.KL_BUDGET);
    }

    @Test
    void replayingTheSameTopicsGivesTheSameAlerts() {
        Consumer<Void> scenario = ignored -> {
            judgeAll("hard", 10, 2, 2, 2, 2, 2, 2, 2, 2);
            checkpoint("hard", 10, 4.0);
            referenceUpdate("hard", 12, 1.0);
            checkpoint("hard", 20, 11.0);
            judgeAll("hard", 20, 1, 1, 1, 1, 1, 1, 1, 2);
            checkpoint("hard", 30, 2.0);
            checkpoint("hard", 40, 11.5);
            checkpoint("hard", 50, 2.5);
            trainMetrics("hard", 1, Double.NaN, 1.0);
            heldout("hard", 2, 1.0, null);
            heldout("hard", 10, null, 1.2);
        };
        GuardConfig config = GuardConfig.defaults(PROMPTS).withKlBudget(10).withReferenceTaskRise(0.1);
        start(config);
        scenario.accept(null);
        List<Alert> first = read();
        List<GuardVerdict> firstVerdicts = verdicts.readValuesToList();
        start(config);
        scenario.accept(null);
        List<Alert> second = read();
        List<GuardVerdict> secondVerdicts = verdicts.readValuesToList();

        assertThat(first).extracting(Alert::getKind).containsExactly(AlertKind.KL_BUDGET,
                AlertKind.REFERENCE_UPDATE_DROP, AlertKind.KL_BUDGET, AlertKind.KL_OSCILLATION,
                AlertKind.LOSS_DIVERGENCE, AlertKind.REFERENCE_TASK_DEGRADED);
        assertThat(second).isEqualTo(first);
        // Step 20's verdict waits for its drop test (its judgments come after its win rate); each step gets one.
        assertThat(firstVerdicts).extracting(v -> v.getStep() + "/" + v.getMetricsStep())
                .containsExactly("10/-1", "20/-1", "30/-1", "40/-1", "50/-1", "50/1", "50/2", "50/10");
        assertThat(secondVerdicts).isEqualTo(firstVerdicts);
    }

    @Test
    void aRisingHeldoutSftNllAlertsOncePerEpisodePerRun() {
        start(GuardConfig.defaults(PROMPTS).withReferenceTaskRise(0.1));
        heldout("dpo", 1, 1.20, null);
        for (int step = 2; step <= 9; step++) {
            heldout("dpo", step, null, null);
        }
        heldout("dpo", 10, null, 1.18);
        heldout("other", 10, null, 5.0);     // another run's numbers are its own
        heldout("dpo", 20, null, 1.25);
        assertThat(read()).isEmpty();
        heldout("dpo", 30, null, 1.31);
        heldout("dpo", 40, null, 1.50);
        List<Alert> out = read();
        assertThat(out).hasSize(1);
        Alert alert = out.get(0);
        assertThat(alert.getKind()).isEqualTo(AlertKind.REFERENCE_TASK_DEGRADED);
        assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(alert.getRunId()).isEqualTo("dpo");
        assertThat(alert.getStep()).isEqualTo(30);
        assertThat(alert.getEvidence()).containsEntry("sft_nll", 1.31).containsEntry("sft_nll_lowest", 1.18)
                .containsEntry("lowest_step", 10.0).containsEntry("rise", 0.1);
        assertThat(counted).containsExactly(alert);
        heldout("dpo", 50, null, 1.20);      // back within half the rise of 1.18: re-armed
        heldout("dpo", 60, null, 1.29);
        assertThat(read()).extracting(Alert::getStep).containsExactly(60L);
    }

    @Test
    void theReferenceTaskThresholdIsAGuardKey() {
        GuardConfig config = GuardConfig.of(Map.of("guard.eval_prompts", "8", "guard.reference_task.rise", "0.5"));
        assertThat(config.referenceTaskRise()).isEqualTo(0.5);
        start(config);
        heldout("r", 1, 1.0, null);
        heldout("r", 10, null, 1.4);
        assertThat(read()).isEmpty();
        heldout("r", 20, null, 1.6);
        assertThat(read()).extracting(Alert::getKind).containsExactly(AlertKind.REFERENCE_TASK_DEGRADED);
    }
}
