package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.evaluator.judge.Comparison;
import dev.tralign.evaluator.judge.Judge;
import dev.tralign.evaluator.judge.Verdict;
import dev.tralign.evaluator.online.OnPolicySampler;
import dev.tralign.evaluator.online.OnlinePairs;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.LedgerEntry;
import dev.tralign.trainerservice.Replay;
import dev.tralign.trainerservice.ReplayReport;
import dev.tralign.trainerservice.RunHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code demo --online}, shrunk, on an embedded stack that outlives the demo so the test can read what was committed:
 * the online run trains in rounds on pairs the gold judge made of its own samples, each pair only at steps after the
 * checkpoint that judged it (read from the trainer's ledger and the online topic); a judge outage in the second round
 * leaves that round without online pairs but training goes on; the online run has judged checkpoints on the same axes
 * as the offline run; replaying a round's recorded range reproduces its checkpoints.
 */
@ExtendWith(EmbeddedStackExtension.class)
class OnlineDemoIT {

    private static final int STEPS = 110;

    /** The gold judge, failing on its second round (a judge outage). */
    private static final class OutageOnSecondRound implements Judge {
        private final Judge judge;
        private final AtomicInteger rounds = new AtomicInteger();

        OutageOnSecondRound(Judge judge) {
            this.judge = judge;
        }

        @Override
        public String name() {
            return judge.name();
        }

        @Override
        public Verdict judge(String prompt, String candidate, String baseline) {
            return judge.judge(prompt, candidate, baseline);
        }

        @Override
        public List<Verdict> judgeAll(List<Comparison> comparisons) {
            if (rounds.incrementAndGet() == 2) {
                throw new IllegalStateException("judge unreachable (simulated outage)");
            }
            return judge.judgeAll(comparisons);
        }
    }

    @Test
    void onlineRunTrainsOnPairsJudgedBeforeTheStepThatTrainsThemAndSurvivesAJudgeOutage(EmbeddedStack stack)
            throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "online-demo-it");
        try (Topics topics = Topics.create(stack.registryUrl())) {
            stack.createTopics(topics);
        }
        DemoSettings settings = new DemoSettings(work, stack.bootstrapServers(), stack.registryUrl(), 3,
                List.of("tr-dpo-soft"), 300, STEPS, 8, 10, 16, 0.1, 5e-4, 4, 5, 0, 30,
                new DemoSettings.Online("tr-dpo-soft", 1.0, 0.7));
        List<String> lines = new ArrayList<>();
        DemoResult result = new DemoRunner(settings, lines::add).withOnlineJudge(OutageOnSecondRound::new).run();

        // Rounds: 0 from SFT with pairs, 1 during the outage without, 2 with pairs again; together exactly STEPS.
        List<OnlineRounds.RoundReport> rounds = result.onlineRounds();
        assertThat(rounds).hasSizeGreaterThanOrEqualTo(3);
        assertThat(rounds.get(0).judgeFailed()).isFalse();
        assertThat(rounds.get(0).onlinePairs()).isGreaterThan(50);
        assertThat(rounds.get(1).judgeFailed()).isTrue();
        assertThat(rounds.get(1).onlinePairs()).isZero();
        assertThat(rounds.get(1).summary().steps()).as("training goes on through the judge outage").isPositive();
        assertThat(rounds.get(2).judgeFailed()).isFalse();
        assertThat(rounds.get(2).onlinePairs()).isGreaterThan(50);
        long base = 0;
        for (OnlineRounds.RoundReport round : rounds) {
            assertThat(round.baseStep()).isEqualTo(base);
            base += round.summary().steps();
        }
        assertThat(base).isEqualTo(STEPS);

        // What was committed: every online record a round trained was judged on the round's start checkpoint, by the
        // online run itself, strictly before the (series) step that trained it.
        Map<String, Object> kafka = Map.of("bootstrap.servers", stack.bootstrapServers());
        Map<Long, PreferencePair> online = onlinePairs(stack);
        String series = result.rows().get(1).runId();
        int[] onlineTrained = new int[rounds.size()];
        Topics ledgerTopics = Topics.create(stack.registryUrl());
        for (int r = 0; r < rounds.size(); r++) {
            OnlineRounds.RoundReport round = rounds.get(r);
            List<LedgerEntry> ledger = RunHistory.ledger(kafka, ledgerTopics.trainerLedger(), round.runId());
            assertThat(ledger).as("ledger of %s", round.runId()).hasSize((int) round.summary().steps());
            for (LedgerEntry entry : ledger) {
                for (int i = 0; i < entry.origins().size(); i++) {
                    String origin = entry.origins().get(i);
                    if (!origin.startsWith("tralign.preferences.online/")) {
                        continue;
                    }
                    PreferencePair pair = online.get(Long.parseLong(origin.substring(origin.indexOf('@') + 1)));
                    assertThat(pair).as("online record %s", origin).isNotNull();
                    assertThat(entry.ids().get(i)).isEqualTo(pair.getId());
                    assertThat(pair.getMetadata().get(OnlinePairs.RUN)).isEqualTo(OnPolicySampler.onlineRunId(series));
                    long judgedAt = Long.parseLong(pair.getMetadata().get(OnlinePairs.JUDGED_AT_STEP));
                    long trainedAt = round.baseStep() + entry.step();
                    assertThat(judgedAt).as("pair %s judged at %d, trained at %d", pair.getId(), judgedAt, trainedAt)
                            .isLessThan(trainedAt).isEqualTo(round.baseStep());
                    onlineTrained[r]++;
                }
            }
        }
        ledgerTopics.close();
        assertThat(onlineTrained[0]).isEqualTo(rounds.get(0).onlinePairs());
        // A round's pairs are on the topic in prompt order (the topology runs without a record cache), so the
        // batches do not depend on when the Streams commits fell.
        Map<Long, List<Integer>> promptOrder = new java.util.TreeMap<>();
        new java.util.TreeMap<>(online).forEach((offset, pair) -> promptOrder.computeIfAbsent(
                Long.parseLong(pair.getMetadata().get(OnlinePairs.JUDGED_AT_STEP)), k -> new ArrayList<>())
                .add(Integer.parseInt(pair.getMetadata().get(OnlinePairs.PROMPT_ID).substring("train-".length()))));
        assertThat(promptOrder.keySet()).containsExactly(rounds.get(0).baseStep(), rounds.get(2).baseStep());
        promptOrder.forEach((step, indices) -> assertThat(indices).as("prompt order of the pairs judged at %d", step)
                .isSorted().doesNotHaveDuplicates());
        assertThat(onlineTrained[1]).as("no online pairs during the outage").isZero();
        assertThat(onlineTrained[2]).isPositive();

        // tralign replay of a round: its recorded range (offline + its online pairs) and config rebuild the same
        // checkpoints.
        OnlineRounds.RoundReport afterOutage = rounds.get(2);
        ReplayReport replay = Replay.run(Map.of("bootstrap.servers", stack.bootstrapServers(), "schema.registry.url",
                stack.registryUrl(), "checkpoint.dir", work.resolve("replay").toString()), afterOutage.runId(),
                afterOutage.runId() + "-replay");
        assertThat(replay.checkpoints()).isNotEmpty();
        assertThat(replay.allMatch()).as(replay.toText()).isTrue();

        // Same axes: the online run has judged checkpoints with KL, up to its last step, in the table and report.
        assertThat(result.rows()).extracting(DemoResult.Row::method)
                .containsExactly("tr-dpo-soft", "tr-dpo-soft" + DemoResult.ONLINE_SUFFIX);
        DemoResult.Row onlineRow = result.rows().get(1);
        assertThat(onlineRow.checkpoints()).isGreaterThanOrEqualTo(rounds.size() + 1);
        assertThat(onlineRow.last().getStep()).isEqualTo(STEPS);
        assertThat(onlineRow.last().getNTotal()).isEqualTo(16);
        assertThat(onlineRow.last().getKlToSft()).isNotNull();
        assertThat(onlineRow.referenceUpdates()).isPositive();
        assertThat(result.onlineComparison()).isPresent();
        assertThat(Files.readString(result.reportHtml())).contains(series);
        assertThat(String.join("\n", lines)).contains("no on-policy pairs: judge unreachable (simulated outage)")
                .contains("tr-dpo-soft+online vs tr-dpo-soft");
    }

    private static Map<Long, PreferencePair> onlinePairs(EmbeddedStack stack) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<Long, PreferencePair> out = new HashMap<>();
        try (Topics topics = Topics.create(stack.registryUrl());
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topics.preferencesOnline().name(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.put(r.offset(), topics.preferencesOnline().valueSerde().deserializer()
                            .deserialize(tp.topic(), r.value()));
                }
            }
            assertThat(consumer.position(tp)).as("read the online topic to its end").isGreaterThanOrEqualTo(end);
        }
        return out;
    }
}
