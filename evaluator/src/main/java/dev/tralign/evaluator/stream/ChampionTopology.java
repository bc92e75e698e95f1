package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.guard.ChampionConfig;
import dev.tralign.evaluator.guard.ChampionRace;
import dev.tralign.schemas.Topic;
import dev.tralign.schemas.avro.ChampionVerdict;
import dev.tralign.schemas.avro.CheckpointEvent;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.schemas.avro.WinRate;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Champion promotion: win rates, judgments and checkpoint events in, one {@link ModelPromotion} on
 * tralign.promotions (keyed by family) each time a family's champion changes, and one {@link ChampionVerdict} on
 * tralign.champion-verdicts per decided checkpoint, after the promotion it caused (same processor, so under
 * exactly-once the same transaction): a reader that sees a checkpoint's verdict knows the champion as of it.
 *
 * <pre>
 * win-rates, judgments, checkpoints --merge, key by family, repartition-->
 *     one processor per family: ChampionRace (store evaluator-champions)
 *                               + latest preference per (run, step, prompt) (store evaluator-champion-preferences)
 *                               + checkpoint URI and sha256 per (run, step) (store evaluator-champion-checkpoints)
 *     --> ModelPromotion, then ChampionVerdict
 * </pre>
 *
 * A checkpoint competes once, when its WinRate first counts {@code guard.eval_prompts} judgments and KL samples;
 * the test waits for its judgments in the preference store whichever topic was read first. Timestamps are the
 * inputs', never the clock, so a replay of the topics promotes the same checkpoints.
 */
public final class ChampionTopology {

    public static final String CHAMPIONS = "evaluator-champions";
    public static final String PREFERENCES = "evaluator-champion-preferences";
    public static final String CHECKPOINTS = "evaluator-champion-checkpoints";

    private ChampionTopology() {
    }

    /**
     * Adds champion promotion to a builder. Pure: touches nothing but the builder (and calls {@code onPromotion} and
     * {@code onVerdict} at run time, a verdict after the promotion it caused).
     */
    public static void build(StreamsBuilder builder, Topic<String, WinRate> winRates, Topic<String, Judgment> judgments,
            Topic<String, CheckpointEvent> checkpoints, Topic<String, ModelPromotion> promotions,
            Topic<String, ChampionVerdict> verdicts, ChampionConfig config, Consumer<ModelPromotion> onPromotion,
            Consumer<ChampionVerdict> onVerdict) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHAMPIONS),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(PreferenceStore.builder(PREFERENCES));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHECKPOINTS),
                Serdes.String(), Serdes.String()));
        KStream<String, SpecificRecord> out = GuardTopology.merged(builder, List.of(winRates, judgments,
                        checkpoints), "champion", value -> config.familyOf(runId(value)))
                .process(() -> new Champions(config, onPromotion, onVerdict), Named.as("champion"), CHAMPIONS,
                        PREFERENCES, CHECKPOINTS);
        GuardTopology.toTwoTopics(out, "champion", ModelPromotion.class, promotions, ChampionVerdict.class,
                verdicts);
    }

    private static String runId(SpecificRecord value) {
        if (value instanceof WinRate w) {
            return w.getRunId();
        }
        if (value instanceof Judgment j) {
            return j.getRunId();
        }
        return ((CheckpointEvent) value).getRunId();
    }

    /** Feeds each family's {@link ChampionRace} and publishes its promotions, then its verdicts. */
    private static final class Champions implements Processor<String, Envelope, String, SpecificRecord> {
        private final ChampionConfig config;
        private final Consumer<ModelPromotion> onPromotion;
        private final Consumer<ChampionVerdict> onVerdict;
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, byte[]> races;
        private PreferenceStore preferences;
        private KeyValueStore<String, String> files;

        Champions(ChampionConfig config, Consumer<ModelPromotion> onPromotion, Consumer<ChampionVerdict> onVerdict) {
            this.config = config;
            this.onPromotion = onPromotion;
            this.onVerdict = onVerdict;
        }

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
            this.races = context.getStateStore(CHAMPIONS);
            this.preferences = new PreferenceStore(context.getStateStore(PREFERENCES));
            this.files = context.getStateStore(CHECKPOINTS);
        }

        @Override
        public void process(Record<String, Envelope> record) {
            if (record.value() == null) {
                return;
            }
            SpecificRecord in = record.value().value();
            if (in instanceof CheckpointEvent c) {
                // Where the file is, for the promotion record (the final event often repeats a periodic step).
                files.put(Keys.of(c.getRunId(), c.getStep()), c.getUri() + "\n" + c.getSha256());
                return;
            }
            String family = record.key();
            byte[] stored = races.get(family);
            ChampionRace race = stored == null ? new ChampionRace() : ChampionRace.decode(stored);
            List<ChampionRace.Promotion> promoted;
            if (in instanceof WinRate w) {
                if (w.getNTotal() < config.evalPrompts() || w.getKlSamples() < config.evalPrompts()
                        || w.getKlToSft() == null) {
                    return;
                }
                promoted = race.onCheckpoint(w.getRunId(), w.getStep(), w.getKlToSft(), w.getWinRate(), config,
                        preferences::of);
            } else {
                Judgment j = (Judgment) in;
                preferences.record(j);
                promoted = race.onJudgment(j.getRunId(), j.getStep(), config, preferences::of);
            }
            races.put(family, race.encode());
            for (ChampionRace.Retired r : race.drainRetired()) {
                // Verdicts and file of a checkpoint no later challenge compares: keep the stores small.
                preferences.forget(r.runId(), r.step());
                files.delete(Keys.of(r.runId(), r.step()));
            }
            for (ChampionRace.Promotion p : promoted) {
                String file = files.get(Keys.of(p.runId(), p.step()));
                int newline = file == null ? -1 : file.indexOf('\n');
                ModelPromotion promotion = ModelPromotion.newBuilder().setFamily(family).setRunId(p.runId())
                        .setStep(p.step()).setCheckpointUri(newline < 0 ? null : file.substring(0, newline))
                        .setSha256(newline < 0 ? null : file.substring(newline + 1))
                        .setPreviousRunId(p.previousRunId()).setPreviousStep(p.previousStep())
                        .setEvidence(new TreeMap<>(p.evidence())).setAt(Instant.ofEpochMilli(record.timestamp()))
                        .build();
                onPromotion.accept(promotion);
                context.forward(new Record<>(family, promotion, record.timestamp()));
            }
            for (ChampionRace.Decided d : race.drainDecided()) {
                ChampionVerdict verdict = ChampionVerdict.newBuilder().setFamily(family).setRunId(d.runId())
                        .setStep(d.step()).setPromoted(d.promoted()).setAt(Instant.ofEpochMilli(record.timestamp()))
                        .build();
                onVerdict.accept(verdict);
                context.forward(new Record<>(family, verdict, record.timestamp()));
            }
        }
    }
}
