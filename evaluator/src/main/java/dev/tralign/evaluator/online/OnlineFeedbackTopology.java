package dev.tralign.evaluator.online;

import dev.tralign.evaluator.stream.Keys;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Generation;
import dev.tralign.schemas.avro.GenerationRole;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.PreferencePair;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Judgments of the policy's own samples in, preference pairs out on tralign.preferences.online, keyed by pair id.
 *
 * <pre>
 * generations --POLICY, rekey runId/step/promptId--> KTable prompt text      "online-policy-prompts"
 * judgments --decisive, sampled, rekey runId/step/promptId--> KTable        "online-eligible-judgments"
 * judgments JOIN prompts --> first time this (run, step, prompt) is seen?   "online-emitted-pairs"
 *     --> PreferencePair (id = content hash) --> tralign.preferences.online
 * </pre>
 *
 * A Judgment carries both completions but not the prompt text, so it is joined with the POLICY Generation of the
 * same run, step and prompt. Only runs matching {@link OnlineFeedbackOptions#runs()} count: judgments of the
 * held-out eval prompts must not turn into training data. Both sides are tables, so the pair comes out whichever record arrives first. Ties,
 * missing judgments and judgments closer to 1.5 than {@link OnlineFeedbackOptions#minConfidence()} are skipped;
 * {@link OnlineFeedbackOptions#samplingRatio()} keeps a share of keys chosen by their hash. A (run, step, prompt)
 * yields at most one pair, ever: the emitted store remembers it, so a re-judgment, a second seed's generation or a
 * replayed input does not add a second pair (it grows by one small entry per emitted pair).
 */
public final class OnlineFeedbackTopology {

    /** Latest prompt text per (run, step, prompt) from POLICY generations. */
    public static final String POLICY_PROMPTS = "online-policy-prompts";
    /** Latest eligible judgment per (run, step, prompt). */
    public static final String ELIGIBLE_JUDGMENTS = "online-eligible-judgments";
    /** (run, step, prompt) keys that already yielded a pair, with that pair's id. */
    public static final String EMITTED = "online-emitted-pairs";

    private OnlineFeedbackTopology() {
    }

    /** The whole topology over the standard topics. */
    public static Topology topology(Topics topics, OnlineFeedbackOptions options) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, topics, options);
        return builder.build();
    }

    /** Adds the online-feedback topology to a builder. Pure: touches nothing but the builder. */
    public static void build(StreamsBuilder builder, Topics topics, OnlineFeedbackOptions options) {
        KTable<String, String> prompts = policyPrompts(builder, topics.generations(), options);
        KTable<String, Judgment> judged = eligibleJudgments(builder, topics.judgments(), options);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EMITTED),
                Serdes.String(), Serdes.String()));
        Topic<String, PreferencePair> out = topics.preferencesOnline();
        judged.join(prompts, JudgedPrompt::new, Named.as("online-join-prompt"))
                .toStream(Named.as("online-joined"))
                .process(() -> new FirstPairOnly(options), Named.as("online-first-pair-only"), EMITTED)
                .to(out.name(), Produced.<String, PreferencePair>with(out.keySerde(), out.valueSerde())
                        .withName("online-pairs"));
    }

    private static KTable<String, String> policyPrompts(StreamsBuilder builder, Topic<String, Generation> gens,
            OnlineFeedbackOptions options) {
        return builder.stream(gens.name(), Consumed.with(gens.keySerde(), gens.valueSerde())
                        .withName("online-generations"))
                .filter((key, g) -> g != null && g.getRole() == GenerationRole.POLICY && options.selects(g.getRunId()),
                        Named.as("online-policy-generations"))
                .selectKey((key, g) -> Keys.of(g.getRunId(), g.getStep(), g.getPromptId()),
                        Named.as("online-key-generation"))
                .mapValues(Generation::getPrompt, Named.as("online-prompt-text"))
                .toTable(Named.as("online-prompt-table"),
                        Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(POLICY_PROMPTS)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
    }

    private static KTable<String, Judgment> eligibleJudgments(StreamsBuilder builder, Topic<String, Judgment> in,
            OnlineFeedbackOptions options) {
        return builder.stream(in.name(), Consumed.with(in.keySerde(), in.valueSerde()).withName("online-judgments"))
                .filter((key, j) -> j != null && options.selects(j.getRunId())
                                && OnlinePairs.decisive(j, options).isPresent(),
                        Named.as("online-decisive"))
                .selectKey((key, j) -> Keys.of(j.getRunId(), j.getStep(), j.getPromptId()),
                        Named.as("online-key-judgment"))
                .filter((key, j) -> SamplingGate.keep(key, options.samplingRatio()), Named.as("online-sampled"))
                .toTable(Named.as("online-judgment-table"),
                        Materialized.<String, Judgment, KeyValueStore<Bytes, byte[]>>as(ELIGIBLE_JUDGMENTS)
                                .withKeySerde(Serdes.String()).withValueSerde(in.valueSerde()));
    }

    /** A judgment with the prompt text of the sample it judged. */
    private record JudgedPrompt(Judgment judgment, String prompt) {
    }

    /** Emits a pair for a (run, step, prompt) key the first time it joins, never again. */
    private static final class FirstPairOnly implements Processor<String, JudgedPrompt, String, PreferencePair> {
        private final OnlineFeedbackOptions options;
        private ProcessorContext<String, PreferencePair> context;
        private KeyValueStore<String, String> emitted;

        FirstPairOnly(OnlineFeedbackOptions options) {
            this.options = options;
        }

        @Override
        public void init(ProcessorContext<String, PreferencePair> context) {
            this.context = context;
            this.emitted = context.getStateStore(EMITTED);
        }

        @Override
        public void process(Record<String, JudgedPrompt> record) {
            JudgedPrompt value = record.value();
            if (value == null || emitted.get(record.key()) != null) {
                return;
            }
            Judgment judgment = value.judgment();
            double preference = OnlinePairs.decisive(judgment, options).orElseThrow();
            PreferencePair pair = OnlinePairs.pair(judgment, preference, value.prompt(),
                    Instant.ofEpochMilli(record.timestamp()));
            emitted.put(record.key(), pair.getId());
            context.forward(new Record<>(pair.getId(), pair, record.timestamp(), record.headers()));
        }
    }
}
