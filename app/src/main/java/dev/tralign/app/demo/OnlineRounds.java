package dev.tralign.app.demo;

import dev.tralign.evaluator.online.OnPolicySampler;
import dev.tralign.evaluator.online.OnlineFeedbackOptions;
import dev.tralign.evaluator.online.OnlineFeedbackTopology;
import dev.tralign.evaluator.online.StepProvenance;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Generation;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.trainer.Policy;
import dev.tralign.trainerservice.RunSummary;
import dev.tralign.trainerservice.source.OffsetRange;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The demo's online run, as iterative rounds of bounded training runs (docs/online.md says why rounds):
 *
 * <ol>
 *   <li>the policy at series step s (the SFT policy for s = 0; sampling from the champion, the series' champion once
 *       the evaluator has decided every checkpoint before the round, {@link SamplingSource}) samples two completions
 *       on a share of the TRAINING prompts; the gold judge compares them; Generations and Judgments go out under
 *       {@code <series>.online} at step s ({@link OnPolicySampler});</li>
 *   <li>{@link OnlineFeedbackTopology} turns the decisive judgments into pairs on tralign.preferences.online; the
 *       round waits (with a deadline) until they are committed, and checks every pair of its range against the
 *       step-provenance rule (judged at s, trained from s + 1 on);</li>
 *   <li>a bounded trainer run {@code <series>.round<k>.from<s>} starts from the step-s checkpoint's policy and trains
 *       one pass over the offline pairs plus the pairs of step 1, mixed by {@code input.mix}; its explicit offset range
 *       is recorded in every checkpoint event, so a replay reproduces the round.</li>
 * </ol>
 *
 * A failing judge ends step 1 of that round with no pairs: the round trains on the offline pairs alone, and the next
 * round samples again. Training never waits for the judge.
 */
final class OnlineRounds implements AutoCloseable {

    /** How long a round waits for the topology to publish its pairs before training without the missing ones. */
    static final Duration PAIRS_DEADLINE = Duration.ofSeconds(60);
    /**
     * How long a round sampling from the champion waits for the evaluator's decisions on the series' checkpoints
     * before sampling from the champion as far as it has judged.
     */
    static final Duration CHAMPION_DEADLINE = Duration.ofSeconds(120);

    /** Trains one round: a bounded run over {@code range} from {@code init}, at most {@code maxSteps} steps. */
    @FunctionalInterface
    interface RoundTrainer {
        RunSummary train(String roundRunId, Path init, OffsetRange range, long maxSteps, long baseStep);
    }

    /** What one round did. */
    record RoundReport(String runId, long baseStep, int onlinePairs, boolean judgeFailed, RunSummary summary) {
    }

    private final Topics topics;
    private final OnPolicySampler sampler;
    private final String series;
    private final OnlineFeedbackOptions options;
    private final Consumer<String> out;
    private final KafkaStreams streams;
    private final KafkaProducer<String, Generation> generations;
    private final KafkaProducer<String, Judgment> judgments;
    private final KafkaConsumer<byte[], byte[]> reader;
    private SamplingSource samplingSource = SamplingSource.latest();

    /** {@code sampler} null: the control, the same rounds without on-policy pairs. */
    OnlineRounds(Map<String, Object> kafka, Topics topics, OnPolicySampler sampler, String series, Path stateDir,
            Consumer<String> out) {
        this.topics = topics;
        this.sampler = sampler;
        this.series = series;
        this.out = out;
        this.options = new OnlineFeedbackOptions(0.0, 1.0,
                Pattern.compile(Pattern.quote(OnPolicySampler.onlineRunId(series))));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tralign-online-feedback-" + stateDir.getParent().getFileName());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        // No record cache: each pair goes out when the later of its Judgment and Generation is processed, so a round's
        // pairs land in prompt order whatever the timing (a cache would emit them per store flush, in an order that
        // depends on when commits fall, and the round's batches follow the topic's order).
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        this.streams = new KafkaStreams(OnlineFeedbackTopology.topology(topics, options), props);
        Map<String, Object> producer = new HashMap<>(kafka);
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        this.generations = new KafkaProducer<>(producer, topics.generations().keySerde().serializer(),
                topics.generations().valueSerde().serializer());
        this.judgments = new KafkaProducer<>(producer, topics.judgments().keySerde().serializer(),
                topics.judgments().valueSerde().serializer());
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.reader = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        streams.start();
    }

    /** Where rounds sample from (default: the latest policy). Call before {@link #run}. */
    OnlineRounds samplingFrom(SamplingSource source) {
        this.samplingSource = source;
        return this;
    }

    /** The series' online run id, whose judgments become pairs. */
    String onlineRunId() {
        return OnPolicySampler.onlineRunId(series);
    }

    /**
     * Runs rounds until the series has {@code totalSteps} steps; returns one report per round. Each round's offline
     * range is the offline topic as it is when the round starts.
     */
    List<RoundReport> run(Path sft, long totalSteps, RoundTrainer trainer) {
        String offlineTopic = topics.preferences().name();
        String onlineTopic = topics.preferencesOnline().name();
        List<TopicPartition> offline = partitions(offlineTopic);
        List<TopicPartition> online = partitions(onlineTopic);
        // One assignment for the whole run: offsets are asked of assigned partitions only (the offline ones stay
        // paused), so the consumer never tracks a partition it has dropped.
        List<TopicPartition> all = new ArrayList<>(offline);
        all.addAll(online);
        reader.assign(all);
        reader.pause(offline);
        // Pairs already on the topic (other runs, earlier demos on a real cluster) are not this run's: start at the end.
        Map<TopicPartition, Long> onlineFrom = reader.endOffsets(online);
        List<RoundReport> reports = new ArrayList<>();
        Path init = sft;
        long base = 0;
        for (int round = 0; base < totalSteps; round++) {
            // 1. sample and judge the current policy on training prompts
            int expected = 0;
            boolean judgeFailed = false;
            if (sampler == null) {
                out.accept(String.format("  round %d (step %d): control, no on-policy sampling", round, base));
            } else {
                try {
                    // Sampling from the champion: as of every checkpoint before this round, whatever the timing.
                    List<Long> undecided = samplingSource.awaitDecisions(CHAMPION_DEADLINE, System::nanoTime,
                            OnlineRounds::sleep, out);
                    if (!undecided.isEmpty()) {
                        out.accept(String.format("  round %d (step %d): the evaluator has not decided step(s) %s "
                                + "within %d s; sampling from the champion as far as it has judged", round, base,
                                undecided, CHAMPION_DEADLINE.toSeconds()));
                    }
                    SamplingSource.Choice from = samplingSource.choose(init, base);
                    if (from.champion()) {
                        out.accept(String.format("  round %d (step %d): sampling from the champion at step %d",
                                round, base, from.step()));
                    }
                    expected = sampleAndPublish(from.checkpoint(), base);
                } catch (RuntimeException e) {
                    judgeFailed = true;
                    out.accept(String.format("  round %d (step %d): no on-policy pairs: %s; this round trains "
                            + "on the offline pairs only", round, base, e.getMessage()));
                }
            }
            // 2. wait for the pairs, check their provenance
            OnlineBatch batch = awaitPairs(onlineTopic, onlineFrom, expected, base + 1);
            Map<TopicPartition, Long> onlineTo = batch.end();
            long pairs = batch.pairs();
            // 3. train one pass over offline + this round's online pairs
            Map<TopicPartition, Long> start = new LinkedHashMap<>(reader.beginningOffsets(offline));
            Map<TopicPartition, Long> end = new LinkedHashMap<>(reader.endOffsets(offline));
            long offlineRecords = sum(end) - sum(start);
            start.putAll(onlineFrom);
            end.putAll(onlineTo);
            String roundRunId = RoundRunIds.of(series, round, base);
            out.accept(String.format("  round %d: %s trains from step %d on %d offline records + %d on-policy "
                    + "pairs judged at step %d", round, roundRunId, base, offlineRecords, pairs, base));
            RunSummary summary = trainer.train(roundRunId, init, new OffsetRange(start, end), totalSteps - base, base);
            if (summary.steps() <= 0 || summary.lastCheckpoint() == null) {
                throw new IllegalStateException("online round " + round + " (" + roundRunId + ") trained no step: "
                        + "the offline topic " + offlineTopic + " is empty?");
            }
            reports.add(new RoundReport(roundRunId, base, (int) pairs, judgeFailed, summary));
            for (var event : summary.checkpoints()) {
                samplingSource.checkpointed(base + event.getStep(), Path.of(java.net.URI.create(event.getUri())));
            }
            base += summary.steps();
            init = summary.lastCheckpoint();
            onlineFrom = onlineTo;
        }
        return reports;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the evaluator's champion decisions", e);
        }
    }

    /** Samples and judges the policy of {@code checkpoint}, publishes the round; returns the pairs to expect. */
    private int sampleAndPublish(Path checkpoint, long step) {
        try (Policy policy = Policy.load(checkpoint)) {
            OnPolicySampler.Round sampled = sampler.sample(policy, series, step, Instant.now());
            sampled.publish(topics, generations, judgments);
            return sampled.expectedPairs(options);
        }
    }

    /** The online pairs of a round: [from, end) holds {@code pairs} records. */
    private record OnlineBatch(Map<TopicPartition, Long> end, long pairs) {
    }

    /**
     * Reads the online topic from {@code from} until {@code expected} pairs arrived (or the deadline passed), then to
     * the read_committed end; every pair read is checked against the step-provenance rule for {@code firstStep}.
     * Returns the end offsets: the round's online range is [from, end).
     */
    private OnlineBatch awaitPairs(String topic, Map<TopicPartition, Long> from, long expected,
            long firstStep) {
        Topic<String, PreferencePair> pairs = topics.preferencesOnline();
        List<TopicPartition> tps = new ArrayList<>(from.keySet());
        from.forEach(reader::seek);
        long count = 0;
        long deadline = System.nanoTime() + PAIRS_DEADLINE.toNanos();
        Map<TopicPartition, Long> end = null;
        while (true) {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                if (end != null && r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                    continue;
                }
                PreferencePair pair = pairs.valueSerde().deserializer().deserialize(topic, r.value());
                StepProvenance.violation(pair, onlineRunId(), firstStep).ifPresent(reason -> {
                    throw new IllegalStateException(reason);
                });
                count++;
            }
            if (end != null && System.nanoTime() > deadline + PAIRS_DEADLINE.toNanos()) {
                throw new IllegalStateException("could not read " + topic + " up to " + end + " within "
                        + PAIRS_DEADLINE.toSeconds() + " s");
            }
            if (end == null && (count >= expected || System.nanoTime() > deadline)) {
                if (count < expected) {
                    out.accept("  only " + count + " of " + expected + " on-policy pairs reached " + topic + " within "
                            + PAIRS_DEADLINE.toSeconds() + " s; the round trains without the rest");
                }
                end = reader.endOffsets(tps);
            }
            if (end != null && caughtUp(tps, end)) {
                return new OnlineBatch(end, count);
            }
        }
    }

    private boolean caughtUp(List<TopicPartition> tps, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : tps) {
            if (reader.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private List<TopicPartition> partitions(String topic) {
        return reader.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() {
        try {
            streams.close(Duration.ofSeconds(30));
        } finally {
            generations.close();
            judgments.close();
            reader.close();
        }
    }
}
