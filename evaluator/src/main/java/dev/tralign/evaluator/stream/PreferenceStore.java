package dev.tralign.evaluator.stream;

import dev.tralign.schemas.avro.Judgment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The latest normalised preference per (run, step, prompt), keyed runId/step/promptId so one checkpoint's verdicts
 * are a prefix scan: what the guard's paired drop test and the champion's McNemar test compare.
 */
final class PreferenceStore {

    private final KeyValueStore<String, Double> store;

    PreferenceStore(KeyValueStore<String, Double> store) {
        this.store = store;
    }

    /** The persistent store behind it, named {@code name}. */
    static StoreBuilder<KeyValueStore<String, Double>> builder(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.Double());
    }

    /** Records a judgment's preference; a missing judgment (excluded by AlpacaEval's rules) removes the prompt. */
    void record(Judgment judgment) {
        String key = Keys.of(judgment.getRunId(), judgment.getStep(), judgment.getPromptId());
        OptionalDouble preference = Records.preference(judgment);
        if (preference.isPresent()) {
            store.put(key, preference.getAsDouble());
        } else {
            store.delete(key);
        }
    }

    /** Forgets the preferences of one checkpoint. */
    void forget(String runId, long step) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Double> it = store.prefixScan(Keys.of(runId, step) + "/",
                Serdes.String().serializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
    }

    /** Forgets a run's preferences of checkpoints before {@code step} (what no later test will compare again). */
    void forgetBefore(String runId, long step) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Double> it = store.prefixScan(Keys.of(runId) + "/",
                Serdes.String().serializer())) {
            while (it.hasNext()) {
                String key = it.next().key;
                if (Long.parseLong(Keys.parts(key).get(1)) < step) {
                    old.add(key);
                }
            }
        }
        old.forEach(store::delete);
    }

    /** The preferences of one checkpoint, by prompt id. */
    Map<String, Double> of(String runId, long step) {
        Map<String, Double> out = new HashMap<>();
        String prefix = Keys.of(runId, step) + "/";
        try (KeyValueIterator<String, Double> it = store.prefixScan(prefix, Serdes.String().serializer())) {
            while (it.hasNext()) {
                KeyValue<String, Double> entry = it.next();
                out.put(Keys.parts(entry.key).get(2), entry.value);
            }
        }
        return out;
    }
}
